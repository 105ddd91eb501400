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
}

function envValue(name: string): string | undefined {
  return typeof process !== 'undefined' ? process.env?.[name] : undefined;
}

function defaultThreads(): number {
  const fromEnv = Number(envValue('IGCNET_CPU_THREADS'));
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const os = typeof process !== 'undefined' ? process.getBuiltinModule?.('node:os') : undefined;
  // More than 4 threads rarely pays for these sizes, and each holds its own scratch.
  return Math.max(1, Math.min(4, os?.availableParallelism() ?? 1));
}

function defaultImpl(): CpuKernelImpl {
  const v = envValue('IGCNET_CPU_KERNELS');
  return v === 'ts' || v === 'wasm' ? v : 'auto';
}

const options: CpuKernelOptions = {
  impl: defaultImpl(),
  threads: defaultThreads(),
  parallelThreshold: 1 << 21,
  implicitGemm: true,
  smallGroupKernels: true,
};

/**
 * Changes the CPU kernel settings (tests and benchmarks compare paths with it). Environment
 * variables IGCNET_CPU_KERNELS (auto | wasm | ts) and IGCNET_CPU_THREADS set the defaults.
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
}

/** The current CPU kernel settings. */
export function cpuKernelOptions(): Readonly<CpuKernelOptions> {
  return options;
}
