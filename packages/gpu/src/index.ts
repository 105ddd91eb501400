/// <reference types="@webgpu/types" />
/**
 * @igcnet/gpu: a WebGPU backend for @igcnet/tensor, in Node (Dawn, from the `webgpu` package) and
 * in browsers (`navigator.gpu`).
 *
 * ```ts
 * import { setBackend } from '@igcnet/tensor';
 * import { registerWebGpuBackend } from '@igcnet/gpu';
 * registerWebGpuBackend();
 * await setBackend('webgpu');
 * ```
 * @packageDocumentation
 */
export { WebGpuBackend, type WebGpuOptions } from './backend.js';
export { BufferPool, sizeClass } from './buffers/pool.js';
export {
  type AdapterDescription,
  type DeviceLimits,
  INSTALL_HINT,
  WANTED_FEATURES,
} from './device/device.js';
export type { ExecStats } from './exec/executor.js';
export { gpuFlags } from './flags.js';
export { createWebGpuBackend, registerWebGpuBackend, webgpuKernels } from './register.js';
