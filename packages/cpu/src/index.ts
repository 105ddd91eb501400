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
 * Tensors live in the WebAssembly memory the kernels share, so convolutions, matmuls and batch
 * norm run on them in place on WebAssembly SIMD kernels across worker threads; where WebAssembly
 * SIMD or shared memory is unavailable, tensors are plain typed arrays and plain TypeScript
 * kernels run. Reads are synchronous.
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
export { type CpuHeapInfo, cpuHeapInfo } from './storage.js';

registerCpuBackend();
