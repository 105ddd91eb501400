import { fmtShape, normalizeAxes } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { mul } from './elementwise.js';
import { assertTensor, run } from './util.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Keep reduced axes as size 1. */
  keepDims?: boolean;
}

/** Sum over `axes` (all by default). */
export function sum(
  x: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor {
  assertTensor(x, 'sum', 'x');
  return run(
    'Sum',
    { x },
    { axes: normalizeAxes(axes, x.rank, 'sum'), keepDims: opts.keepDims ?? false },
  );
}

/** Mean over `axes` (all by default). */
export function mean(
  x: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor {
  assertTensor(x, 'mean', 'x');
  if (x.dtype !== 'float32') throw new Error(`mean: 'x' must be float32, got ${x.dtype}`);
  const ax = normalizeAxes(axes, x.rank, 'mean');
  const count = ax.reduce((p, a) => p * x.shape[a]!, 1);
  if (count === 0) throw new Error(`mean: reducing an empty axis of shape ${fmtShape(x.shape)}`);
  const s = run('Sum', { x }, { axes: ax, keepDims: opts.keepDims ?? false });
  const m = mul(s, 1 / count);
  s.dispose();
  return m;
}

/** Maximum over `axes` (all by default). */
export function max(
  x: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor {
  assertTensor(x, 'max', 'x');
  const ax = normalizeAxes(axes, x.rank, 'max');
  for (const a of ax)
    if (x.shape[a] === 0) throw new Error(`max: axis ${a} of shape ${fmtShape(x.shape)} is empty`);
  return run('Max', { x }, { axes: ax, keepDims: opts.keepDims ?? false });
}

/** Index of the first maximum along `axis`, as int32. */
export function argmax(x: Tensor, axis = -1): Tensor {
  assertTensor(x, 'argmax', 'x');
  const [a] = normalizeAxes(axis, x.rank, 'argmax');
  if (x.shape[a!] === 0)
    throw new Error(`argmax: axis ${a} of shape ${fmtShape(x.shape)} is empty`);
  return run('ArgMax', { x }, { axis: a! });
}
