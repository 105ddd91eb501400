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
import { registerBackend } from '@igcnet/tensor';
import { WebGpuBackend, type WebGpuOptions } from './backend.js';

export { WebGpuBackend, type WebGpuOptions } from './backend.js';
export { BufferPool, sizeClass } from './buffers/pool.js';
export {
  type AdapterDescription,
  type DeviceLimits,
  INSTALL_HINT,
  WANTED_FEATURES,
} from './device/device.js';
export type { ExecStats } from './exec/executor.js';

/** Makes a WebGPU backend (async: the adapter and device are requested asynchronously). */
export function createWebGpuBackend(opts: WebGpuOptions = {}): Promise<WebGpuBackend> {
  return WebGpuBackend.create(opts);
}

/**
 * Registers the backend under the name `webgpu`; `await setBackend('webgpu')` activates it. The
 * default priority 0 sits below the CPU backend's, so `getBackend()` never starts a device on its
 * own (it would call every higher-priority async factory in the background).
 */
export function registerWebGpuBackend(opts: WebGpuOptions = {}, priority = 0): void {
  registerBackend('webgpu', () => createWebGpuBackend(opts), priority);
}
