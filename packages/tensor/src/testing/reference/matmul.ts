import { type Nd, nd } from './nd.js';

/**
 * op(a)·op(b) for [M,K]·[K,N] or batched [B,M,K]·[B,K,N] (a batch of 1 broadcasts), where op
 * transposes the last two axes when its flag is set.
 */
export function matmul(a: Nd, b: Nd, transposeA = false, transposeB = false): Nd {
  const r = a.shape.length;
  const [ar, ac] = [a.shape[r - 2]!, a.shape[r - 1]!];
  const [br, bc] = [b.shape[r - 2]!, b.shape[r - 1]!];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  const ba = r === 3 ? a.shape[0]! : 1;
  const bb = r === 3 ? b.shape[0]! : 1;
  const batch = Math.max(ba, bb);
  const opA = (s: number, i: number, p: number): number =>
    a.data[(ba === 1 ? 0 : s) * ar * ac + (transposeA ? p * ac + i : i * ac + p)]!;
  const opB = (s: number, p: number, j: number): number =>
    b.data[(bb === 1 ? 0 : s) * br * bc + (transposeB ? j * bc + p : p * bc + j)]!;
  const out = nd(r === 3 ? [batch, m, n] : [m, n]);
  for (let s = 0; s < batch; s++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += opA(s, i, p) * opB(s, p, j);
        out.data[(s * m + i) * n + j] = acc;
      }
    }
  }
  return out;
}
