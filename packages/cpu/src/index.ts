/**
 * @igcnet/cpu: the CPU backend of igcnet. Importing the package registers it under the name
 * `cpu` (as tfjs's `@tensorflow/tfjs-backend-cpu` does), and with no other backend set it is
 * the one every op runs on:
 *
 * ```ts
 * import '@igcnet/cpu';
 * import { conv2d, randomNormal } from '@igcnet/tensor';
 * const y = conv2d(randomNormal([2, 16, 8, 8]), randomNormal([16, 4, 3, 3]), { groups: 4 });
 * ```
 *
 * Storage is plain typed arrays (pooled by size), reads are synchronous, and convolutions,
 * matmuls and batch norm run on WebAssembly SIMD kernels across worker threads, with plain
 * TypeScript kernels where WebAssembly SIMD is unavailable.
 * @packageDocumentation
 */
import { registerCpuBackend } from './register.js';

export { CpuBackend } from './backend.js';
export { cpuFlags } from './flags.js';
export {
  type CpuKernelImpl,
  type CpuKernelOptions,
  cpuKernelOptions,
  setCpuKernelOptions,
} from './options.js';
export { cpuKernels, createCpuBackend, registerCpuBackend } from './register.js';

registerCpuBackend();
