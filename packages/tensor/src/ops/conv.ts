import { convOutSize } from '../backend/conv.js';
import type { Conv2DAttrs } from '../core/kernel_names.js';
import { fmtShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { assertFloat, assertRank, assertTensor, run } from './util.js';

/** A pair given as one number for both axes or as [height, width]. */
export type Pair = number | readonly [number, number];

/**
 * Padding: one number for all sides, [vertical, horizontal], [top, bottom, left, right], or
 * 'valid' (none) / 'same' (output = ⌈input / stride⌉, extra padding at the bottom and right).
 */
export type Padding =
  | number
  | readonly [number, number]
  | readonly [number, number, number, number]
  | 'valid'
  | 'same';

/** Options of `conv2d`. */
export interface Conv2DOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  bias?: Tensor;
  /**
   * Convolve channelShuffle(x, inShuffle) and return channelShuffle(y, outShuffle), with no data
   * moved on backends that fold it into the conv's indexing. An IGC block's secondary conv is
   * `conv2d(p, w, { groups: M, inShuffle: L, outShuffle: M })`.
   */
  inShuffle?: number;
  outShuffle?: number;
}

/** Resolves a pair option, checking it holds positive integers. */
export function resolvePair(
  v: Pair | undefined,
  dflt: number,
  op: string,
  name: string,
): [number, number] {
  const p: [number, number] =
    v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new Error(`${op}: ${name} must be positive integers, got [${p.join(', ')}]`);
  }
  return p;
}

/** Resolves padding to [top, bottom, left, right] for a window on an input. */
export function resolvePadding(
  p: Padding | undefined,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  stride: readonly [number, number],
  dilation: readonly [number, number],
  op: string,
): [number, number, number, number] {
  let r: [number, number, number, number];
  if (p === undefined || p === 'valid') r = [0, 0, 0, 0];
  else if (p === 'same') {
    const axis = (size: number, k: number, s: number, d: number): [number, number] => {
      const out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - size);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    const [t, b] = axis(inH, kh, stride[0], dilation[0]);
    const [l, rr] = axis(inW, kw, stride[1], dilation[1]);
    r = [t, b, l, rr];
  } else if (typeof p === 'number') r = [p, p, p, p];
  else if (p.length === 2) r = [p[0], p[0], p[1], p[1]];
  else if (p.length === 4) r = [p[0], p[1], p[2], p[3]];
  else throw new Error(`${op}: padding must have 1, 2 or 4 entries`);
  if (!r.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new Error(`${op}: padding must be non-negative integers, got [${r.join(', ')}]`);
  }
  return r;
}

/** Output size of one axis of a window op, checked to be at least 1. */
export function windowOut(
  size: number,
  k: number,
  s: number,
  d: number,
  before: number,
  after: number,
  op: string,
  axis: string,
): number {
  const out = convOutSize(size, k, s, before, after, d);
  if (out < 1) {
    throw new Error(
      `${op}: the ${axis} window (kernel ${k}, dilation ${d}) does not fit an input of ${size} with padding ${before}+${after}`,
    );
  }
  return out;
}

/**
 * Checks conv2d's operands and resolves its options into the conv kernels' attributes (a window
 * that does not fit the input is an error here, before any kernel runs).
 */
export function planConv2d(
  xShape: readonly number[],
  wShape: readonly number[],
  opts: Omit<Conv2DOptions, 'bias'>,
  op = 'conv2d',
): Conv2DAttrs {
  const [, cin, h, w] = xShape as [number, number, number, number];
  const [cout, cinG, kh, kw] = wShape as [number, number, number, number];
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  if (cout % groups !== 0) {
    throw new Error(
      `${op}: the weight's ${cout} output channels cannot be split into ${groups} groups`,
    );
  }
  if (cin !== cinG * groups) {
    throw new Error(
      `${op}: input has ${cin} channels but the weight expects ${cinG * groups} (${cinG} per group × ${groups} groups)`,
    );
  }
  const stride = resolvePair(opts.stride, 1, op, 'stride');
  const dilation = resolvePair(opts.dilation, 1, op, 'dilation');
  const pad = resolvePadding(opts.padding, h, w, kh, kw, stride, dilation, op);
  // Throws, naming the axis, when the window does not fit.
  windowOut(h, kh, stride[0], dilation[0], pad[0], pad[1], op, 'vertical');
  windowOut(w, kw, stride[1], dilation[1], pad[2], pad[3], op, 'horizontal');
  const attrs: Conv2DAttrs = { stride, pad, dilation, groups };
  for (const [key, v, c] of [
    ['inShuffle', opts.inShuffle, cin],
    ['outShuffle', opts.outShuffle, cout],
  ] as const) {
    if (v === undefined || v === 1) continue;
    if (!Number.isInteger(v) || v < 1 || c % v !== 0) {
      throw new Error(`${op}: ${key} ${v} must be a positive integer dividing ${c} channels`);
    }
    attrs[key] = v;
  }
  return attrs;
}

/**
 * 2-D convolution (cross-correlation, as every framework) of NCHW `x` with an OIHW weight
 * [Cout, Cin/groups, kh, kw], plus an optional bias [Cout].
 */
export function conv2d(x: Tensor, weight: Tensor, opts: Conv2DOptions = {}): Tensor {
  assertTensor(x, 'conv2d', 'x');
  assertTensor(weight, 'conv2d', 'weight');
  assertRank(x, 4, 'conv2d', 'x', 'N, C, H, W');
  assertRank(weight, 4, 'conv2d', 'weight', 'Cout, Cin/groups, kh, kw');
  assertFloat(x, 'conv2d', 'x');
  assertFloat(weight, 'conv2d', 'weight');
  const attrs = planConv2d(x.shape, weight.shape, opts);
  const bias = opts.bias;
  if (bias !== undefined) {
    assertTensor(bias, 'conv2d', 'bias');
    if (bias.rank !== 1 || bias.shape[0] !== weight.shape[0]) {
      throw new Error(
        `conv2d: bias must have shape [${weight.shape[0]}], got ${fmtShape(bias.shape)}`,
      );
    }
  }
  return run('Conv2D', bias ? { x, w: weight, bias } : { x, w: weight }, attrs);
}

/** Gradient of conv2d with respect to its input, for an input of `inputShape`. */
export function conv2dBackpropInput(
  dy: Tensor,
  weight: Tensor,
  inputShape: readonly [number, number, number, number],
  attrs: Conv2DAttrs,
): Tensor {
  return run('Conv2DBackpropInput', { dy, w: weight }, { ...attrs, inputShape });
}

/** Gradient of conv2d with respect to its weight, of `filterShape`. */
export function conv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  filterShape: readonly [number, number, number, number],
  attrs: Conv2DAttrs,
): Tensor {
  return run('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape });
}
