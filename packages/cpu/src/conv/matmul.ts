import { cpuKernelOptions } from '../options.js';
import { activeWasm } from '../wasm/active.js';
import { wasmSgemm } from '../wasm/gemm.js';
import type { GemmArgs } from './gemm_args.js';
import { gemmTs } from './ts/gemm.js';

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
