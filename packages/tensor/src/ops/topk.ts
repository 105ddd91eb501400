import type { Tensor } from '../core/tensor.js';
import { ENGINE } from '../engine/engine.js';
import { assertTensor } from './util.js';

/** The k largest values along the last axis, descending, and their int32 indices. */
export function topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  assertTensor(x, 'topk', 'x');
  if (x.rank < 1) throw new Error('topk: needs rank ≥ 1');
  const last = x.shape[x.rank - 1]!;
  if (!Number.isInteger(k) || k < 1 || k > last) {
    throw new Error(
      `topk: k must be an integer in [1, ${last}] for a last axis of ${last}, got ${k}`,
    );
  }
  const [values, indices] = ENGINE.runKernel('TopK', { x }, { k }) as [Tensor, Tensor];
  return { values, indices };
}
