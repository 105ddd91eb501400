import type { KernelTable } from '@igcnet/tensor/backend';
import { alloc, allocF32, f32, out, vals } from '../storage.js';

/** Rows of the last axis: count and length. */
function rows(shape: readonly number[]): [number, number] {
  const len = shape[shape.length - 1] ?? 1;
  return [len === 0 ? 0 : shape.reduce((p, d) => p * d, 1) / len, len];
}

function logSumExp(xv: Float32Array, o: number, len: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < len; i++) m = Math.max(m, xv[o + i]!);
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (let i = 0; i < len; i++) s += Math.exp(xv[o + i]! - m);
  return m + Math.log(s);
}

/** Classification kernels of the CPU backend. */
export const lossKernels: KernelTable = {
  Softmax: ({ inputs: { x } }) => {
    const [r, len] = rows(x.shape);
    const xv = f32(x);
    const { values: y, info } = allocF32(x.shape);
    for (let row = 0; row < r; row++) {
      const o = row * len;
      const lse = logSumExp(xv, o, len);
      for (let i = 0; i < len; i++) y[o + i] = Math.exp(xv[o + i]! - lse);
    }
    return info;
  },
  LogSoftmax: ({ inputs: { x } }) => {
    const [r, len] = rows(x.shape);
    const xv = f32(x);
    const { values: y, info } = allocF32(x.shape);
    for (let row = 0; row < r; row++) {
      const o = row * len;
      const lse = logSumExp(xv, o, len);
      for (let i = 0; i < len; i++) y[o + i] = xv[o + i]! - lse;
    }
    return info;
  },
  SoftmaxCrossEntropy: ({ inputs: { logits, labels } }) => {
    const [n, c] = logits.shape as [number, number];
    const xv = f32(logits);
    const lv = vals(labels);
    const { values: loss, info } = allocF32([n]);
    for (let row = 0; row < n; row++) {
      const label = lv[row]!;
      if (label < 0 || label >= c) {
        throw new Error(`softmaxCrossEntropy: label ${label} at row ${row} is outside [0, ${c})`);
      }
      loss[row] = logSumExp(xv, row * c, c) - xv[row * c + label]!;
    }
    return info;
  },
  OneHot: ({ inputs: { indices }, attrs: { depth } }) => {
    const iv = vals(indices);
    const { values: o, info } = allocF32([...indices.shape, depth]);
    for (let i = 0; i < iv.length; i++) {
      const k = iv[i]!;
      if (k >= 0 && k < depth) o[i * depth + k] = 1;
    }
    return info;
  },
  TopK: ({ inputs: { x }, attrs: { k } }) => {
    const [r, len] = rows(x.shape);
    const xv = vals(x);
    const shape = [...x.shape.slice(0, -1), k];
    const { values, info: vInfo } = alloc(shape, x.dtype);
    const idx = new Int32Array(r * k);
    const order = new Int32Array(len);
    for (let row = 0; row < r; row++) {
      const o = row * len;
      for (let i = 0; i < len; i++) order[i] = i;
      // Descending by value, NaN first, ties by lower index (a stable, total order).
      const key = (i: number): number => {
        const v = xv[o + i]!;
        return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
      };
      const sorted = Array.from(order).sort((a, b) => key(b) - key(a) || a - b);
      for (let j = 0; j < k; j++) {
        idx[row * k + j] = sorted[j]!;
        values[row * k + j] = xv[o + sorted[j]!]!;
      }
    }
    return [vInfo, out(idx, shape, 'int32')] as const;
  },
};
