import type { Shape } from '../core/shape.js';

/** Sizes of MatMul on a: [M,K] or [B,M,K] and b likewise (each possibly transposed). */
export interface MatMulGeometry {
  /** Batch of the output: the larger of the operands' (a batch of 1 broadcasts). */
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Rows and columns of a and b as stored (before the transposes). */
  aRows: number;
  aCols: number;
  bRows: number;
  bCols: number;
  /** Elements between consecutive batch items of a and b: 0 for a broadcast batch of 1. */
  aBatchStride: number;
  bBatchStride: number;
  outShape: number[];
}

/** The geometry of MatMul for operands of shapes `a` and `b` (both rank 2 or both rank 3). */
export function matmulGeometry(
  a: Shape,
  b: Shape,
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry {
  const r = a.length;
  const batchA = r === 3 ? a[0]! : 1;
  const batchB = r === 3 ? b[0]! : 1;
  const batch = Math.max(batchA, batchB);
  const [aRows, aCols] = [a[r - 2]!, a[r - 1]!];
  const [bRows, bCols] = [b[r - 2]!, b[r - 1]!];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  return {
    batch,
    m,
    n,
    k,
    aRows,
    aCols,
    bRows,
    bCols,
    aBatchStride: batchA === 1 ? 0 : aRows * aCols,
    bBatchStride: batchB === 1 ? 0 : bRows * bCols,
    outShape: r === 3 ? [batch, m, n] : [m, n],
  };
}
