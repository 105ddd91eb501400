import { fmtShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { assertFloat, assertTensor, run } from './util.js';

/** Options of `matmul`. */
export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product of [M,K]·[K,N], or batched [B,M,K]·[B,K,N] (a batch of 1 broadcasts), with
 * optional transposes of the last two axes.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatMulOptions = {}): Tensor {
  assertTensor(a, 'matmul', 'a');
  assertTensor(b, 'matmul', 'b');
  assertFloat(a, 'matmul', 'a');
  assertFloat(b, 'matmul', 'b');
  const transposeA = opts.transposeA ?? false;
  const transposeB = opts.transposeB ?? false;
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(
      `matmul: operands must both be rank 2 or both rank 3, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const r = a.rank;
  const ka = transposeA ? a.shape[r - 2]! : a.shape[r - 1]!;
  const kb = transposeB ? b.shape[r - 1]! : b.shape[r - 2]!;
  if (ka !== kb) {
    throw new Error(
      `matmul: inner dimensions differ: a ${fmtShape(a.shape)}${transposeA ? 'ᵀ' : ''} has K = ${ka}, b ${fmtShape(b.shape)}${transposeB ? 'ᵀ' : ''} has K = ${kb}`,
    );
  }
  if (r === 3) {
    const ba = a.shape[0]!;
    const bb = b.shape[0]!;
    if (ba !== bb && ba !== 1 && bb !== 1)
      throw new Error(`matmul: batch sizes ${ba} and ${bb} differ`);
  }
  return run('MatMul', { a, b }, { transposeA, transposeB });
}
