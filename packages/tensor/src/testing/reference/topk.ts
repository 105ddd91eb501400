import { type Nd, nd } from './nd.js';

/** The k largest along the last axis, descending; equal values keep the lower index first. */
export function topk(x: Nd, k: number): { values: Nd; indices: Nd } {
  const len = x.shape[x.shape.length - 1]!;
  const rows = x.data.length / len;
  const shape = [...x.shape.slice(0, -1), k];
  const values = nd(shape);
  const indices = nd(shape);
  for (let r = 0; r < rows; r++) {
    const taken = new Array<boolean>(len).fill(false);
    // Selection by repeated scans: slow, obviously stable.
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let i = 0; i < len; i++) {
        if (taken[i]) continue;
        if (best < 0 || x.data[r * len + i]! > x.data[r * len + best]!) best = i;
      }
      taken[best] = true;
      values.data[r * k + j] = x.data[r * len + best]!;
      indices.data[r * k + j] = best;
    }
  }
  return { values, indices };
}
