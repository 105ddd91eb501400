import { cpuFlags } from './flags.js';

/** Which implementation the CPU conv/GEMM entry points use. */
export type CpuKernelImpl = 'auto' | 'wasm' | 'ts';

/** Settings of the CPU conv/GEMM kernels. */
export interface CpuKernelOptions {
  /** 'auto' (default) uses WebAssembly SIMD when it loads and plain TypeScript otherwise. */
  impl: CpuKernelImpl;
  /** Threads for the wasm path, the calling thread included; 1 disables workers. */
  threads: number;
  /**
   * Multiply-adds below which a call stays on one thread: a handoff costs tens of microseconds.
   * Tests set 0 to exercise the threaded path on small shapes.
   */
  parallelThreshold: number;
  /**
   * Stride-1 convs on wasm read taps straight from a padded copy of the input (implicit GEMM)
   * instead of building an im2col matrix. false forces im2col (benchmarks and tests compare).
   * Convs that run on the direct small-group kernels ignore it.
   */
  implicitGemm: boolean;
  /**
   * Convs with few channels per group (policy.ts) run on direct kernels (wasm, or plain
   * TypeScript) instead of a GEMM. false sends them to the GEMM paths (benchmarks and tests
   * compare).
   */
  smallGroupKernels: boolean;
  /**
   * Forward 3×3 stride-1 convs with enough channels per group (and their stride-1 input
   * gradients, which run as forward convs) use Winograd's F(2×2, 3×3) on wasm: 2.25× fewer
   * multiply-adds, results within float32 rounding of the direct sums. false forces the GEMM
   * paths (benchmarks and tests compare).
   */
  winograd: boolean;
}

const options: CpuKernelOptions = {
  impl: cpuFlags.get('kernels'),
  threads: cpuFlags.get('threads'),
  parallelThreshold: 1 << 21,
  implicitGemm: true,
  smallGroupKernels: true,
  winograd: cpuFlags.get('winograd'),
};

/**
 * Changes the CPU kernel settings (tests and benchmarks compare paths with it). The flags
 * IGCNET_CPU_KERNELS, IGCNET_CPU_THREADS and IGCNET_CPU_WINOGRAD (`cpuFlags`) set the defaults.
 */
export function setCpuKernelOptions(o: Partial<CpuKernelOptions>): void {
  if (o.impl !== undefined) options.impl = o.impl;
  if (o.threads !== undefined) {
    if (!Number.isInteger(o.threads) || o.threads < 1)
      throw new Error(`threads must be a positive integer, got ${o.threads}`);
    options.threads = o.threads;
  }
  if (o.parallelThreshold !== undefined) options.parallelThreshold = o.parallelThreshold;
  if (o.implicitGemm !== undefined) options.implicitGemm = o.implicitGemm;
  if (o.smallGroupKernels !== undefined) options.smallGroupKernels = o.smallGroupKernels;
  if (o.winograd !== undefined) options.winograd = o.winograd;
}

/** The current CPU kernel settings. */
export function cpuKernelOptions(): Readonly<CpuKernelOptions> {
  return options;
}
