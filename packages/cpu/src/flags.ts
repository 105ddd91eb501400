import { boolFlag, defineFlags, enumFlag, intFlag } from '@igcnet/tensor';

/** Threads by default: the machine's, but at most 4 (more rarely pays, and each holds scratch). */
function machineThreads(): number {
  const os = (
    globalThis as {
      process?: { getBuiltinModule?: (id: string) => { availableParallelism(): number } };
    }
  ).process?.getBuiltinModule?.('node:os');
  return Math.max(1, Math.min(4, os?.availableParallelism() ?? 1));
}

/**
 * The CPU backend's tuning flags: the only place its environment variables are read. They set
 * the defaults of `setCpuKernelOptions`, read once when the package loads.
 */
export const cpuFlags = defineFlags('@igcnet/cpu', {
  kernels: enumFlag({
    env: 'IGCNET_CPU_KERNELS',
    doc: 'Which conv/GEMM/batch-norm kernels run: auto takes WebAssembly SIMD where it loads and plain TypeScript otherwise; wasm fails where it cannot load; ts is slower but runs everywhere.',
    default: 'auto',
    values: ['auto', 'wasm', 'ts'],
  }),
  threads: intFlag({
    env: 'IGCNET_CPU_THREADS',
    doc: 'Threads of the WebAssembly kernels, the calling thread included (1: no worker threads). More threads speed up large convs; each holds its own scratch.',
    default: machineThreads,
    defaultText: "the machine's cores, at most 4",
    min: 1,
  }),
  winograd: boolFlag({
    env: 'IGCNET_CPU_WINOGRAD',
    doc: "3×3 stride-1 convs with enough channels per group run by Winograd's F(2×2, 3×3) on WebAssembly (2.25× fewer multiply-adds, within float32 rounding of the direct sums); 0 runs them as direct or GEMM convs, e.g. to compare nets at equal cost per multiply-add.",
    default: true,
  }),
});
