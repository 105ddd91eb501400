/** Parameters of C = op(A) · op(B) on row-major float32 arrays. */
export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  aOffset: number;
  /** Row stride of A as stored (K, or M when transposed). */
  lda: number;
  transA: boolean;
  b: Float32Array;
  bOffset: number;
  /** Row stride of B as stored (N, or K when transposed). */
  ldb: number;
  transB: boolean;
  c: Float32Array;
  cOffset: number;
  ldc: number;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}
