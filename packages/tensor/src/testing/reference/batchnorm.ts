import { type Nd, nd } from './nd.js';

/** [N, C, plane] of an [N,C] or [N,C,H,W] shape. */
function dims(shape: readonly number[]): [number, number, number] {
  return [shape[0]!, shape[1]!, shape.length === 4 ? shape[2]! * shape[3]! : 1];
}

function perChannel(
  x: Nd,
  fn: (ch: number, at: (visit: (i: number) => void) => void) => void,
): void {
  const [n, c, plane] = dims(x.shape);
  for (let ch = 0; ch < c; ch++) {
    fn(ch, (visit) => {
      for (let b = 0; b < n; b++) for (let p = 0; p < plane; p++) visit((b * c + ch) * plane + p);
    });
  }
}

/** Batch statistics of x per channel: mean and biased variance. */
export function batchStats(x: Nd): { mean: Nd; variance: Nd } {
  const [n, c, plane] = dims(x.shape);
  const mean = nd([c]);
  const variance = nd([c]);
  perChannel(x, (ch, at) => {
    let s = 0;
    at((i) => {
      s += x.data[i]!;
    });
    const m = s / (n * plane);
    let ss = 0;
    at((i) => {
      ss += (x.data[i]! - m) ** 2;
    });
    mean.data[ch] = m;
    variance.data[ch] = ss / (n * plane);
  });
  return { mean, variance };
}

/** γ·(x − mean)/√(var + eps) + β per channel. */
export function batchNormInfer(
  x: Nd,
  gamma: Nd,
  beta: Nd,
  mean: Nd,
  variance: Nd,
  eps: number,
): Nd {
  const y = nd(x.shape);
  perChannel(x, (ch, at) => {
    at((i) => {
      y.data[i] =
        (gamma.data[ch]! * (x.data[i]! - mean.data[ch]!)) / Math.sqrt(variance.data[ch]! + eps) +
        beta.data[ch]!;
    });
  });
  return y;
}

/** Training-mode batch norm: y, batch mean and biased batch variance. */
export function batchNormTrain(
  x: Nd,
  gamma: Nd,
  beta: Nd,
  eps: number,
): { y: Nd; mean: Nd; variance: Nd } {
  const { mean, variance } = batchStats(x);
  return { y: batchNormInfer(x, gamma, beta, mean, variance, eps), mean, variance };
}

/** PyTorch's running-statistics update: the running variance moves toward the unbiased variance. */
export function runningUpdate(
  runningMean: Nd,
  runningVar: Nd,
  x: Nd,
  momentum: number,
): { mean: Nd; variance: Nd } {
  const [n, , plane] = dims(x.shape);
  const count = n * plane;
  const s = batchStats(x);
  return {
    mean: nd(
      [runningMean.data.length],
      Array.from(runningMean.data, (r, i) => (1 - momentum) * r + momentum * s.mean.data[i]!),
    ),
    variance: nd(
      [runningVar.data.length],
      Array.from(
        runningVar.data,
        (r, i) => (1 - momentum) * r + (momentum * s.variance.data[i]! * count) / (count - 1),
      ),
    ),
  };
}

/**
 * Gradient of training-mode batch norm given the statistics it used, from the textbook
 * derivation: dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy, per channel.
 */
export function batchNormTrainGrad(
  dy: Nd,
  x: Nd,
  gamma: Nd,
  mean: Nd,
  variance: Nd,
  eps: number,
): { dx: Nd; dgamma: Nd; dbeta: Nd } {
  const [n, c, plane] = dims(x.shape);
  const count = n * plane;
  const dx = nd(x.shape);
  const dgamma = nd([c]);
  const dbeta = nd([c]);
  perChannel(x, (ch, at) => {
    const sigma = Math.sqrt(variance.data[ch]! + eps);
    const xhat = (i: number): number => (x.data[i]! - mean.data[ch]!) / sigma;
    let sdy = 0;
    let sdyx = 0;
    at((i) => {
      sdy += dy.data[i]!;
      sdyx += dy.data[i]! * xhat(i);
    });
    dbeta.data[ch] = sdy;
    dgamma.data[ch] = sdyx;
    at((i) => {
      dx.data[i] =
        (gamma.data[ch]! / sigma) * (dy.data[i]! - sdy / count - (xhat(i) * sdyx) / count);
    });
  });
  return { dx, dgamma, dbeta };
}

/** max(v, 0) elementwise, NaN kept (the Relu kernel's semantics). */
export function reluRef(x: Nd): Nd {
  return nd(
    x.shape,
    Array.from(x.data, (v) => (v > 0 || Number.isNaN(v) ? v : 0)),
  );
}

/** Training-mode batch norm followed by ReLU: y, batch mean and biased batch variance. */
export function batchNormReluTrain(
  x: Nd,
  gamma: Nd,
  beta: Nd,
  eps: number,
): { y: Nd; mean: Nd; variance: Nd } {
  const r = batchNormTrain(x, gamma, beta, eps);
  return { ...r, y: reluRef(r.y) };
}

/** Gradient of batchNormReluTrain: the batch-norm gradient of dy where y > 0, 0 elsewhere. */
export function batchNormReluTrainGrad(
  dy: Nd,
  y: Nd,
  x: Nd,
  gamma: Nd,
  mean: Nd,
  variance: Nd,
  eps: number,
): { dx: Nd; dgamma: Nd; dbeta: Nd } {
  const dz = nd(
    dy.shape,
    Array.from(dy.data, (d, i) => (y.data[i]! > 0 ? d : 0)),
  );
  return batchNormTrainGrad(dz, x, gamma, mean, variance, eps);
}
