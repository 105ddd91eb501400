/**
 * Synchronised batch normalisation for data-parallel training: the batch statistics, and the two
 * per-channel sums of the backward pass, are summed over every process, so N processes with B/N
 * images each normalise, and back-propagate, exactly as one process with all B images.
 */
import {
  add,
  customGrad,
  dispose,
  ENGINE,
  fmtShape,
  mul,
  type Tensor,
  tensor,
  type Variable,
} from '@igcnet/tensor';

/**
 * What synchronised batch norm needs of the process group: a blocking, in-place sum over all
 * processes (`MpiWorld` of `@igcnet/distributed` is one). Every process must run the same
 * layers in the same order, as data-parallel training does.
 */
export interface StatsReducer {
  allreduce(data: Float64Array, op: 'sum'): void;
}

/** Options of {@link syncBatchNorm}. */
export interface SyncBatchNormOptions {
  reducer: StatsReducer;
  /** Running mean [C], moved with the global batch mean. */
  runningMean?: Variable;
  /** Running variance [C], moved with the global unbiased batch variance. */
  runningVar?: Variable;
  /** Weight of the new statistic in the running averages (PyTorch convention), default 0.1. */
  momentum?: number;
  /** Added to the variance, default 1e-5. */
  eps?: number;
}

/** Host values of a [C] tensor (synchronous: the statistics must cross processes mid-pass). */
function hostValues(t: Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } catch (e) {
    throw new Error(
      `syncBatchNorm: needs synchronous reads of the batch statistics, which backend '${t.backend.name}' cannot do (${(e as Error).message}); train with per-process batch norm there`,
    );
  }
}

function movingAverage(r: Variable, s: Float64Array, keep: number, take: number): void {
  const old = hostValues(r);
  const next = tensor(
    Float32Array.from(old, (v, i) => keep * v + take * s[i]!),
    r.shape,
  );
  r.assign(next);
  next.dispose();
}

/**
 * Batch norm in training mode over every axis but 1 of x ([N, C] or [N, C, H, W]) with the mean
 * and biased variance of the whole global batch: each process's per-channel count, mean and
 * variance are summed (float64) through `reducer` in the forward pass, and Σdy and Σdy·x̂ in the
 * backward pass. γ's and β's gradients are this process's share (they are summed with the other
 * gradients afterwards); x's gradient is the global one. With one process it equals `batchNorm`.
 */
export function syncBatchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  opts: SyncBatchNormOptions,
): Tensor {
  const op = 'syncBatchNorm';
  if (x.rank !== 2 && x.rank !== 4)
    throw new Error(`${op}: 'x' must be [N, C] or [N, C, H, W], got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  for (const [name, t] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (t.rank !== 1 || t.shape[0] !== c)
      throw new Error(`${op}: '${name}' must have shape [${c}], got ${fmtShape(t.shape)}`);
  }
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  const bshape = x.rank === 4 ? [1, c, 1, 1] : [1, c];
  const fn = customGrad(([xi, g, b], save) => {
    const input = xi!;
    const localCount = input.size / c;
    // This process's statistics from the fused kernel (its normalised output is not needed).
    const [yLocal, m, v] = ENGINE.runKernel(
      'BatchNormTrain',
      { x: input, gamma: g!, beta: b! },
      { eps },
    ) as [Tensor, Tensor, Tensor];
    const mv = hostValues(m);
    const vv = hostValues(v);
    // [count, Σ count·mean, Σ count·(var + mean²)]: the global moments, summed exactly enough
    // in float64 from each process's accurately computed mean and variance.
    const stats = new Float64Array(1 + 2 * c);
    stats[0] = localCount;
    for (let i = 0; i < c; i++) {
      stats[1 + i] = localCount * mv[i]!;
      stats[1 + c + i] = localCount * (vv[i]! + mv[i]! * mv[i]!);
    }
    dispose([yLocal, m, v]);
    opts.reducer.allreduce(stats, 'sum');
    const total = stats[0]!;
    if (total < 2)
      throw new Error(`${op}: training needs more than one value per channel over all processes`);
    const mean = new Float64Array(c);
    const variance = new Float64Array(c);
    for (let i = 0; i < c; i++) {
      mean[i] = stats[1 + i]! / total;
      variance[i] = Math.max(0, stats[1 + c + i]! / total - mean[i]! * mean[i]!);
    }
    const meanT = tensor(Float32Array.from(mean), [c]);
    const varT = tensor(Float32Array.from(variance), [c]);
    save(meanT, varT);
    const y = ENGINE.runKernel(
      'BatchNormInfer',
      { x: input, gamma: g!, beta: b!, mean: meanT, variance: varT },
      { eps },
    )[0]!;
    if (opts.runningMean) movingAverage(opts.runningMean, mean, 1 - momentum, momentum);
    if (opts.runningVar) {
      const unbiased = variance.map((s) => (s * total) / (total - 1));
      movingAverage(opts.runningVar, unbiased, 1 - momentum, momentum);
    }
    return {
      value: y,
      gradFunc: (dy) => {
        // The kernel's dx uses this process's Σdy and Σdy·x̂ over its own count; its dγ, dβ are
        // exactly those local sums. Sum them over all processes and correct dx, per channel,
        // by an affine function of x: dx = dx_local + A + B·x.
        const [dxLocal, dgamma, dbeta] = ENGINE.runKernel(
          'BatchNormTrainGrad',
          { dy, x: input, gamma: g!, mean: meanT, variance: varT },
          { eps },
        ) as [Tensor, Tensor, Tensor];
        const sums = new Float64Array(2 * c);
        sums.set(hostValues(dbeta), 0);
        sums.set(hostValues(dgamma), c);
        const local = sums.slice();
        opts.reducer.allreduce(sums, 'sum');
        const gv = hostValues(g!);
        const a = new Float32Array(c);
        const bcoef = new Float32Array(c);
        for (let i = 0; i < c; i++) {
          const invStd = 1 / Math.sqrt(variance[i]! + eps);
          const k = gv[i]! * invStd;
          const da = k * (local[i]! / localCount - sums[i]! / total);
          const db = k * (local[c + i]! / localCount - sums[c + i]! / total);
          bcoef[i] = db * invStd;
          a[i] = da - db * invStd * mean[i]!;
        }
        const aT = tensor(a, bshape);
        const bT = tensor(bcoef, bshape);
        const bx = mul(input, bT);
        const corr = add(bx, aT);
        const dx = add(dxLocal, corr);
        dispose([dxLocal, aT, bT, bx, corr]);
        return [dx, dgamma, dbeta];
      },
    };
  });
  return fn(x, gamma, beta);
}
