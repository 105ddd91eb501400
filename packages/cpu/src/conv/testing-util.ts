// Helpers shared by the tests in this folder (not exported from the package).
import { type CpuKernelOptions, cpuKernelOptions, setCpuKernelOptions } from '../options.js';

/** Deterministic uniform(−1, 1) floats (mulberry32), so failures reproduce. */
export function randomFloats(len: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Largest |a − b| relative to max(1, max |b|). */
export function relError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length === b.length ? diff / scale : Number.POSITIVE_INFINITY;
}

/**
 * Every fast path the tests compare: plain TS, wasm on one thread, wasm threaded, and the GEMM
 * paths with the direct small-group kernels off (most test shapes have small groups).
 */
export const MODES: readonly (Partial<CpuKernelOptions> & { name: string })[] = [
  { name: 'ts', impl: 'ts', threads: 1 },
  { name: 'wasm', impl: 'wasm', threads: 1 },
  {
    name: 'wasm im2col',
    impl: 'wasm',
    threads: 1,
    implicitGemm: false,
    smallGroupKernels: false,
    winograd: false,
  },
  { name: 'wasm×2 threads', impl: 'wasm', threads: 2, parallelThreshold: 0 },
  { name: 'ts GEMM', impl: 'ts', threads: 1, smallGroupKernels: false },
  { name: 'wasm GEMM', impl: 'wasm', threads: 1, smallGroupKernels: false },
  {
    name: 'wasm GEMM×2 threads',
    impl: 'wasm',
    threads: 2,
    parallelThreshold: 0,
    smallGroupKernels: false,
  },
];

/** Runs f under the given settings and restores the defaults afterwards. */
export function withMode(mode: Partial<CpuKernelOptions>, f: () => void): void {
  const prev = { ...cpuKernelOptions() };
  setCpuKernelOptions({
    impl: 'auto',
    threads: 1,
    parallelThreshold: 1 << 21,
    implicitGemm: true,
    smallGroupKernels: true,
    winograd: true,
    ...mode,
  });
  try {
    f();
  } finally {
    setCpuKernelOptions(prev);
  }
}
