/**
 * Wires the WebGPU backend: the kernel table assembled from every family (as tfjs's
 * `register_all_kernels.ts`), the factory and the registration. Kernels depend on the backend's
 * type, the backend class on no kernel; this file alone depends on all of them.
 */
import { registerBackend } from '@igcnet/tensor';
import type { KernelTable } from '@igcnet/tensor/backend';
import { WebGpuBackend, type WebGpuOptions } from './backend.js';
import { clipKernels } from './kernels/clip.js';
import { convKernels } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { layoutKernels } from './kernels/layout.js';
import { lossKernels } from './kernels/loss.js';
import { matmulKernels } from './kernels/matmul.js';
import { normKernels } from './kernels/norm.js';
import { optimKernels } from './kernels/optim.js';
import { poolKernels } from './kernels/pool.js';
import { randomKernels } from './kernels/random.js';
import { reduceKernels } from './kernels/reduce.js';

/** Every kernel of the contract, in WGSL. */
export const webgpuKernels: KernelTable = {
  ...elementwiseKernels,
  ...clipKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...normKernels,
  ...lossKernels,
  ...optimKernels,
  ...randomKernels,
};

/** Makes a WebGPU backend (async: the adapter and device are requested asynchronously). */
export function createWebGpuBackend(opts: WebGpuOptions = {}): Promise<WebGpuBackend> {
  return WebGpuBackend.create(webgpuKernels, opts);
}

/**
 * Registers the backend under the name `webgpu`; `await setBackend('webgpu')` activates it. The
 * default priority 0 sits below the CPU backend's, so `getBackend()` never starts a device on its
 * own (it would call every higher-priority async factory in the background).
 */
export function registerWebGpuBackend(opts: WebGpuOptions = {}, priority = 0): void {
  registerBackend('webgpu', () => createWebGpuBackend(opts), priority);
}
