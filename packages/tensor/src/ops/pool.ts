import type { Pool2DAttrs } from '../core/kernel_names.js';
import type { Tensor } from '../core/tensor.js';
import { type Padding, type Pair, resolvePadding, resolvePair, windowOut } from './conv.js';
import { mean } from './reduction.js';
import { assertFloat, assertRank, assertTensor, run } from './util.js';

/** Options of the pooling ops. */
export interface Pool2DOptions {
  /** Window; defaults to 2. */
  kernel?: Pair;
  /** Defaults to the window size. */
  stride?: Pair;
  padding?: Padding;
}

function planPool(x: Tensor, opts: Pool2DOptions, op: string): Pool2DAttrs {
  assertTensor(x, op, 'x');
  assertRank(x, 4, op, 'x', 'N, C, H, W');
  assertFloat(x, op, 'x');
  const kernel = resolvePair(opts.kernel, 2, op, 'kernel');
  const stride = resolvePair(opts.stride ?? kernel, 1, op, 'stride');
  const [, , h, w] = x.shape as [number, number, number, number];
  const pad = resolvePadding(opts.padding, h, w, kernel[0], kernel[1], stride, [1, 1], op);
  if (pad[0] >= kernel[0] || pad[1] >= kernel[0] || pad[2] >= kernel[1] || pad[3] >= kernel[1]) {
    throw new Error(
      `${op}: padding [${pad.join(', ')}] must be smaller than the window [${kernel.join(', ')}]`,
    );
  }
  windowOut(h, kernel[0], stride[0], 1, pad[0], pad[1], op, 'vertical');
  windowOut(w, kernel[1], stride[1], 1, pad[2], pad[3], op, 'horizontal');
  return { kernel, stride, pad };
}

/** Max pooling over windows of NCHW `x`; padded cells never win. */
export function maxPool2d(x: Tensor, opts: Pool2DOptions = {}): Tensor {
  return run('MaxPool', { x }, planPool(x, opts, 'maxPool2d'));
}

/**
 * Average pooling over windows of NCHW `x`. By default padded cells count in the divisor, as
 * PyTorch's `count_include_pad=True` and MXNet.
 */
export function avgPool2d(
  x: Tensor,
  opts: Pool2DOptions & { countIncludePad?: boolean } = {},
): Tensor {
  return run(
    'AvgPool',
    { x },
    { ...planPool(x, opts, 'avgPool2d'), countIncludePad: opts.countIncludePad ?? true },
  );
}

/** Mean over H and W: [N, C, H, W] → [N, C]. */
export function globalAvgPool(x: Tensor): Tensor {
  assertTensor(x, 'globalAvgPool', 'x');
  assertRank(x, 4, 'globalAvgPool', 'x', 'N, C, H, W');
  return mean(x, [2, 3]);
}
