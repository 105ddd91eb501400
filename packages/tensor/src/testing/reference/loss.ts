import { type Nd, nd } from './nd.js';

function rowsOf(x: Nd): [number, number] {
  const len = x.shape[x.shape.length - 1]!;
  return [x.data.length / len, len];
}

/** log Σ exp over the last axis, row by row, shifted by the row maximum. */
function logSumExp(x: Nd, row: number, len: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < len; j++) m = Math.max(m, x.data[row * len + j]!);
  let s = 0;
  for (let j = 0; j < len; j++) s += Math.exp(x.data[row * len + j]! - m);
  return m + Math.log(s);
}

/** Softmax along the last axis. */
export function softmax(x: Nd): Nd {
  const [rows, len] = rowsOf(x);
  const y = nd(x.shape);
  for (let r = 0; r < rows; r++) {
    const lse = logSumExp(x, r, len);
    for (let j = 0; j < len; j++) y.data[r * len + j] = Math.exp(x.data[r * len + j]! - lse);
  }
  return y;
}

/** log softmax along the last axis. */
export function logSoftmax(x: Nd): Nd {
  const [rows, len] = rowsOf(x);
  const y = nd(x.shape);
  for (let r = 0; r < rows; r++) {
    const lse = logSumExp(x, r, len);
    for (let j = 0; j < len; j++) y.data[r * len + j] = x.data[r * len + j]! - lse;
  }
  return y;
}

/** Per-row −log softmax(logits)[label]. */
export function softmaxCrossEntropy(logits: Nd, labels: ArrayLike<number>): Nd {
  const [rows, len] = rowsOf(logits);
  const out = nd([rows]);
  for (let r = 0; r < rows; r++)
    out.data[r] = logSumExp(logits, r, len) - logits.data[r * len + labels[r]!]!;
  return out;
}

/** One-hot rows of width `depth`; out-of-range indices give zero rows. */
export function oneHot(indices: Nd, depth: number): Nd {
  const out = nd([...indices.shape, depth]);
  indices.data.forEach((k, i) => {
    if (k >= 0 && k < depth) out.data[i * depth + k] = 1;
  });
  return out;
}
