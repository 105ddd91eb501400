import { fmtShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { mean, sum } from './reduction.js';
import { assertFloat, assertRank, assertTensor, run } from './util.js';

/** Softmax along the last axis. */
export function softmax(x: Tensor): Tensor {
  assertTensor(x, 'softmax', 'x');
  assertFloat(x, 'softmax', 'x');
  if (x.rank < 1) throw new Error('softmax: needs rank ≥ 1');
  return run('Softmax', { x }, {});
}

/** log(softmax(x)) along the last axis, computed stably. */
export function logSoftmax(x: Tensor): Tensor {
  assertTensor(x, 'logSoftmax', 'x');
  assertFloat(x, 'logSoftmax', 'x');
  if (x.rank < 1) throw new Error('logSoftmax: needs rank ≥ 1');
  return run('LogSoftmax', { x }, {});
}

/** One-hot float32 rows of width `depth` for int32 indices. */
export function oneHot(indices: Tensor, depth: number): Tensor {
  assertTensor(indices, 'oneHot', 'indices');
  if (indices.dtype !== 'int32')
    throw new Error(`oneHot: 'indices' must be int32, got ${indices.dtype}`);
  if (!Number.isInteger(depth) || depth < 1)
    throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  return run('OneHot', { indices }, { depth });
}

/** How per-example losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Softmax cross-entropy of logits [N, C] against int32 class labels [N] in [0, C).
 * @param reduction 'mean' (default), 'sum' or 'none' (per example, [N]).
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Tensor,
  reduction: Reduction = 'mean',
): Tensor {
  const op = 'softmaxCrossEntropy';
  assertTensor(logits, op, 'logits');
  assertTensor(labels, op, 'labels');
  assertRank(logits, 2, op, 'logits', 'N, classes');
  assertFloat(logits, op, 'logits');
  if (labels.dtype !== 'int32')
    throw new Error(`${op}: 'labels' must be int32 class indices, got ${labels.dtype}`);
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(
      `${op}: 'labels' must have shape [${logits.shape[0]}] for logits ${fmtShape(logits.shape)}, got ${fmtShape(labels.shape)}`,
    );
  }
  const losses = run('SoftmaxCrossEntropy', { logits, labels }, {});
  if (reduction === 'none') return losses;
  const r = reduction === 'sum' ? sum(losses) : mean(losses);
  losses.dispose();
  return r;
}
