import {
  type Conv2DAttrs,
  type Conv2DGeometry,
  conv2dGeometry,
  type KernelTable,
  matmulGeometry,
  type TensorInfo,
} from '@igcnet/tensor/backend';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  foldsShuffles,
  type Shuffles,
} from '../conv/conv2d.js';
import { sgemm } from '../conv/matmul.js';
import { allocF32, type CpuData, f32 } from '../storage.js';
import { activeWasm } from '../wasm/active.js';
import { reluOfBits } from './elementwise.js';
import { shufflePlanes } from './layout.js';

/** A pooled scratch array, freed by the caller. */
function scratch(shape: readonly number[]): { values: Float32Array; free: () => void } {
  const { values, info } = allocF32(shape, false);
  return { values, free: () => (info.dataId as CpuData).free() };
}

/**
 * channelShuffle(v, groups) of an NCHW array into a scratch array (groups 1: v itself). The CPU
 * moves the data that the WebGPU kernels fold into their indexing: a plane copy is cheap next to
 * the conv.
 */
function shuffled(
  v: Float32Array,
  shape: readonly number[],
  groups: number | undefined,
): { values: Float32Array; free: () => void } {
  if (!groups || groups === 1) return { values: v, free: () => undefined };
  const t = scratch(shape);
  const [n, c, h, w] = shape as [number, number, number, number];
  shufflePlanes(
    new Int32Array(v.buffer, v.byteOffset, v.length),
    new Int32Array(t.values.buffer, t.values.byteOffset, t.values.length),
    n,
    c,
    groups,
    h * w,
  );
  return t;
}

/** The inverse of channelShuffle(·, groups) on c channels is channelShuffle(·, c / groups). */
function inverse(groups: number | undefined, c: number): number {
  return groups && groups > 1 ? c / groups : 1;
}

/** The conv's folded interleaves, when its kernels take them (else the planes are moved). */
function foldedShuffles(s: Conv2DGeometry, attrs: Conv2DAttrs): Shuffles | null {
  return foldsShuffles(s)
    ? { inShuffle: attrs.inShuffle ?? 1, outShuffle: attrs.outShuffle ?? 1 }
    : null;
}

/**
 * relu?(conv2d(S_in(x), w) + bias), shuffled by S_out, into a fresh output (the ReLU commutes
 * with the shuffle, so the kernels apply it).
 */
function convolve(
  x: TensorInfo,
  w: Float32Array,
  wShape: readonly number[],
  bias: Float32Array | undefined,
  attrs: Conv2DAttrs,
  relu = false,
): { values: Float32Array; info: TensorInfo } {
  const s = conv2dGeometry(x.shape, wShape, attrs);
  const outShape = [s.n, s.cout, s.outH, s.outW];
  const out = allocF32(outShape, false);
  const sh = foldedShuffles(s, attrs);
  if (sh) {
    conv2dForward(s, f32(x), w, bias, out.values, sh, relu);
    return out;
  }
  const xin = shuffled(f32(x), x.shape, attrs.inShuffle);
  const moveOut = attrs.outShuffle !== undefined && attrs.outShuffle > 1;
  const y = moveOut ? scratch(outShape) : { values: out.values, free: () => undefined };
  conv2dForward(s, xin.values, w, bias, y.values, undefined, relu);
  if (moveOut) {
    shufflePlanes(
      new Int32Array(y.values.buffer, y.values.byteOffset, y.values.length),
      new Int32Array(out.values.buffer, out.values.byteOffset, out.values.length),
      s.n,
      s.cout,
      attrs.outShuffle!,
      s.outH * s.outW,
    );
  }
  xin.free();
  y.free();
  return out;
}

/**
 * v ← v·scale[c] + shift[c] per channel of NCHW `v`, then max(·, 0) when `relu`, plane by plane
 * while it is in cache. The ReLU works on the bits (`reluOfBits`): a float compare mispredicts on
 * about half the values and made the pass 4× slower.
 */
function affineInPlace(
  v: Float32Array,
  n: number,
  c: number,
  plane: number,
  scale: Float64Array,
  shift: Float64Array,
  relu: boolean,
): void {
  const bits = new Int32Array(v.buffer, v.byteOffset, v.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const a = scale[ch]!;
      const s = shift[ch]!;
      const o = (b * c + ch) * plane;
      const end = o + plane;
      if (a !== 1 || s !== 0) for (let i = o; i < end; i++) v[i] = v[i]! * a + s;
      if (relu) for (let i = o; i < end; i++) bits[i] = reluOfBits(bits[i]!);
    }
  }
}

/**
 * The weights and bias of a conv with an inference batch norm y·scale[c] + shift[c] folded in:
 * w'[i] = w[i]·scale[d(i)], bias'[i] = bias[i]·scale[d(i)] + shift[d(i)], where d(i) is the
 * channel that conv output i becomes after the conv's out-shuffle (the BN's channel). Without a
 * BN, the conv's own weights and bias. `free` returns the scratch.
 */
function foldBatchNorm(
  w: Float32Array,
  bias: Float32Array | undefined,
  bn: { scale: Float64Array; shift: Float64Array } | undefined,
  attrs: Conv2DAttrs,
): { w: Float32Array; bias: Float32Array | undefined; free: () => void } {
  if (!bn) return { w, bias, free: () => undefined };
  const c = bn.scale.length;
  const per = w.length / c;
  const so = attrs.outShuffle ?? 1;
  const perOut = c / so;
  const ws = scratch([w.length]);
  const bs = scratch([c]);
  for (let i = 0; i < c; i++) {
    // channelShuffle(z, so) puts z[i] at (i mod (C/so))·so + ⌊i / (C/so)⌋.
    const d = so > 1 ? (i % perOut) * so + Math.floor(i / perOut) : i;
    const a = bn.scale[d]!;
    for (let j = i * per; j < (i + 1) * per; j++) ws.values[j] = w[j]! * a;
    bs.values[i] = (bias ? bias[i]! * a : 0) + bn.shift[d]!;
  }
  return {
    w: ws.values,
    bias: bs.values,
    free: () => {
      ws.free();
      bs.free();
    },
  };
}

/** Matmul and convolution kernels of the CPU backend. */
export const nnKernels: KernelTable = {
  MatMul: ({ inputs: { a, b }, attrs: { transposeA, transposeB } }) => {
    const { batch, m, n, k, aCols, bCols, aBatchStride, bBatchStride, outShape } = matmulGeometry(
      a.shape,
      b.shape,
      transposeA,
      transposeB,
    );
    const { values: c, info } = allocF32(outShape, false);
    const av = f32(a);
    const bv = f32(b);
    for (let i = 0; i < batch; i++) {
      sgemm({
        m,
        n,
        k,
        a: av,
        aOffset: i * aBatchStride,
        lda: aCols,
        transA: transposeA,
        b: bv,
        bOffset: i * bBatchStride,
        ldb: bCols,
        transB: transposeB,
        c,
        cOffset: i * m * n,
        ldc: n,
        accumulate: false,
      });
    }
    return info;
  },

  Conv2D: ({ inputs: { x, w, bias }, attrs }) =>
    convolve(x, f32(w), w.shape, bias ? f32(bias) : undefined, attrs).info,

  // On the wasm kernels the batch norm folds into the weights and bias and the ReLU runs in the
  // conv's kernels, so the epilogue costs no pass over the output (as onnxruntime folds BN into
  // its convs). The plain TypeScript path applies it as one in-place pass after the conv.
  FusedConv2D: ({ inputs: { x, w, bias, gamma, beta, mean, variance }, attrs }) => {
    const bn = gamma && beta && mean && variance ? { gamma, beta, mean, variance } : undefined;
    const c = w.shape[0]!;
    const scale = new Float64Array(c).fill(1);
    const shift = new Float64Array(c);
    if (bn) {
      const [g, be, m, v] = [f32(bn.gamma), f32(bn.beta), f32(bn.mean), f32(bn.variance)];
      for (let ch = 0; ch < c; ch++) {
        scale[ch] = g[ch]! / Math.sqrt(v[ch]! + attrs.eps);
        shift[ch] = be[ch]! - m[ch]! * scale[ch]!;
      }
    }
    if (activeWasm()) {
      const folded = foldBatchNorm(
        f32(w),
        bias ? f32(bias) : undefined,
        bn && { scale, shift },
        attrs,
      );
      const out = convolve(x, folded.w, w.shape, folded.bias, attrs, attrs.relu);
      folded.free();
      return out.info;
    }
    const { values, info } = convolve(x, f32(w), w.shape, bias ? f32(bias) : undefined, attrs);
    const [n, , h, wd] = info.shape as [number, number, number, number];
    if (bn || attrs.relu) affineInPlace(values, n, c, h * wd, scale, shift, attrs.relu);
    return info;
  },

  // With folded shuffles the kernels differentiate y = S_out(conv(S_in(x))): dy is un-shuffled
  // first, and dx is un-shuffled after.
  Conv2DBackpropInput: ({ inputs: { dy, w }, attrs }) => {
    const s = conv2dGeometry(attrs.inputShape, w.shape, attrs);
    // Not zeroed: the kernels overwrite dx, and the un-shuffle below writes every element.
    const { values, info } = allocF32(attrs.inputShape, false);
    const sh = foldedShuffles(s, attrs);
    if (sh) {
      conv2dBackpropInput(s, f32(dy), f32(w), values, sh);
      return info;
    }
    const g = shuffled(f32(dy), dy.shape, inverse(attrs.outShuffle, s.cout));
    if (attrs.inShuffle && attrs.inShuffle > 1) {
      // dx un-shuffled straight into the output: no second scratch, no extra copy.
      const dxs = scratch(attrs.inputShape);
      conv2dBackpropInput(s, g.values, f32(w), dxs.values);
      shufflePlanes(
        new Int32Array(dxs.values.buffer, dxs.values.byteOffset, dxs.values.length),
        new Int32Array(values.buffer, values.byteOffset, values.length),
        s.n,
        s.cin,
        inverse(attrs.inShuffle, s.cin),
        s.h * s.w,
      );
      dxs.free();
    } else {
      conv2dBackpropInput(s, g.values, f32(w), values);
    }
    g.free();
    return info;
  },

  Conv2DBackpropFilter: ({ inputs: { x, dy }, attrs }) => {
    const s = conv2dGeometry(x.shape, attrs.filterShape, attrs);
    const { values, info } = allocF32(attrs.filterShape);
    const sh = foldedShuffles(s, attrs);
    if (sh) {
      conv2dBackpropFilter(s, f32(x), f32(dy), values, sh);
      return info;
    }
    const xin = shuffled(f32(x), x.shape, attrs.inShuffle);
    const g = shuffled(f32(dy), dy.shape, inverse(attrs.outShuffle, s.cout));
    conv2dBackpropFilter(s, xin.values, g.values, values);
    xin.free();
    g.free();
    return info;
  },
};
