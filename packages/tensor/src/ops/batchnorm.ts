import { fmtShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { ENGINE } from '../engine/engine.js';
import { add, mul, relu } from './elementwise.js';
import { assertFloat, assertTensor, run } from './util.js';

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** Batch statistics (true) or running statistics (false). */
  training: boolean;
  /** Running mean [C]; updated in place in training, read in inference. */
  runningMean?: Variable;
  /** Running (unbiased) variance [C]; updated in place in training, read in inference. */
  runningVar?: Variable;
  /** Weight of the new batch statistic in the running average (PyTorch convention), default 0.1. */
  momentum?: number;
  /** Added to the variance, default 1e-5. */
  eps?: number;
}

/**
 * Batch normalisation over every axis but 1 of x ([N, C] or [N, C, H, W]) with scale `gamma` and
 * shift `beta` ([C]). In training it normalises with the batch mean and biased variance and
 * moves the running statistics: r ← (1 − momentum)·r + momentum·s, with the unbiased batch
 * variance for the running variance (as PyTorch). In inference it uses the running statistics.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, opts: BatchNormOptions): Tensor {
  const { eps, momentum } = checkBatchNorm('batchNorm', x, gamma, beta, opts);
  if (!opts.training) {
    return run(
      'BatchNormInfer',
      { x, gamma, beta, mean: opts.runningMean!, variance: opts.runningVar! },
      { eps },
    );
  }
  const outs = ENGINE.runKernel('BatchNormTrain', { x, gamma, beta }, { eps });
  return withRunningUpdate(outs, x, opts, momentum);
}

/**
 * relu(batchNorm(x, gamma, beta, opts)), the pair every conv → BN → ReLU of a network ends in. In
 * training it runs the fused `BatchNormReluTrain` kernel where the backend has it (one pass
 * instead of two forward, and one kernel instead of three backward: see `BatchNormReluTrainGrad`),
 * and BatchNormTrain then Relu where it does not; the values agree either way, and the running
 * statistics move as `batchNorm` moves them. In inference it is BatchNormInfer then Relu (a conv
 * before it fuses both through `fusedConv2d`).
 */
export function batchNormRelu(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  opts: BatchNormOptions,
): Tensor {
  const { eps, momentum } = checkBatchNorm('batchNormRelu', x, gamma, beta, opts);
  if (!opts.training || ENGINE.backend().kernels.BatchNormReluTrain === undefined) {
    const y = batchNorm(x, gamma, beta, opts);
    const r = relu(y);
    y.dispose();
    return r;
  }
  const outs = ENGINE.runKernel('BatchNormReluTrain', { x, gamma, beta }, { eps });
  return withRunningUpdate(outs, x, opts, momentum);
}

/** Moves the running statistics toward a training kernel's batch statistics; returns its y. */
function withRunningUpdate(
  outs: Tensor[],
  x: Tensor,
  opts: BatchNormOptions,
  momentum: number,
): Tensor {
  const [y, bMean, bVar] = outs as [Tensor, Tensor, Tensor];
  const count = x.size / x.shape[1]!;
  const { runningMean, runningVar } = opts;
  ENGINE.noGrad(() => {
    if (runningMean) movingAverage(runningMean, bMean, 1 - momentum, momentum);
    if (runningVar) movingAverage(runningVar, bVar, 1 - momentum, (momentum * count) / (count - 1));
  });
  bMean.dispose();
  bVar.dispose();
  return y;
}

/** Checks batch-norm arguments for `op`; returns eps and momentum with their defaults. */
function checkBatchNorm(
  op: string,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  opts: BatchNormOptions,
): { eps: number; momentum: number } {
  assertTensor(x, op, 'x');
  assertTensor(gamma, op, 'gamma');
  assertTensor(beta, op, 'beta');
  assertFloat(x, op, 'x');
  if (x.rank !== 2 && x.rank !== 4)
    throw new Error(`${op}: 'x' must be [N, C] or [N, C, H, W], got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  const checkParam = (t: Tensor | undefined, name: string): void => {
    if (t !== undefined && (t.rank !== 1 || t.shape[0] !== c)) {
      throw new Error(
        `${op}: '${name}' must have shape [${c}] for ${c} channels, got ${fmtShape(t.shape)}`,
      );
    }
  };
  checkParam(gamma, 'gamma');
  checkParam(beta, 'beta');
  checkParam(opts.runningMean, 'runningMean');
  checkParam(opts.runningVar, 'runningVar');
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  if (!(eps > 0)) throw new Error(`${op}: eps must be > 0, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1))
    throw new Error(`${op}: momentum must be in [0, 1], got ${momentum}`);
  if (!opts.training) {
    if (!opts.runningMean || !opts.runningVar) {
      throw new Error(`${op}: inference needs 'runningMean' and 'runningVar'`);
    }
  } else if (x.size / c < 2) {
    throw new Error(
      `${op}: training needs more than one value per channel, got ${fmtShape(x.shape)}`,
    );
  }
  return { eps, momentum };
}

/** r ← keep·r + take·s, in place on the running statistic r. */
function movingAverage(r: Variable, s: Tensor, keep: number, take: number): void {
  const a = mul(r, keep);
  const b = mul(s, take);
  const next = add(a, b);
  r.assign(next);
  a.dispose();
  b.dispose();
  next.dispose();
}
