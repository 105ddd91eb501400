import { cpuKernelOptions } from './config.js';
import { activeWasm } from './conv2d.js';
import { gemmTs } from './ts/gemm.js';
import { wasmSgemm } from './wasm/gemm.js';

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

/** Below this many multiply-adds the copy into wasm memory costs more than it saves. */
const WASM_MIN_MACS = 4096;

/**
 * C[m,n] (+)= Σ_k op(A)[m,k]·op(B)[k,n]: a packed, blocked GEMM on WebAssembly SIMD (threads
 * over columns for large products) or, where that is unavailable, in plain TypeScript.
 */
export function sgemm(p: GemmArgs): void {
  const k = p.m * p.n * p.k >= WASM_MIN_MACS ? activeWasm() : null;
  if (k) wasmSgemm(k, cpuKernelOptions().threads, p);
  else gemmTs(p);
}
