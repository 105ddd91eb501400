/**
 * Wires the CPU backend: the kernel table assembled from every family (as tfjs's
 * `register_all_kernels.ts`), the factory, and the registration under the name `cpu`. Kernels
 * depend on storage, the backend class on neither; this file alone depends on all of them.
 */
import { registerBackend } from '@igcnet/tensor';
import type { KernelTable } from '@igcnet/tensor/backend';
import { CpuBackend } from './backend.js';
import { clipKernels } from './kernels/clip.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { layoutKernels } from './kernels/layout.js';
import { lossKernels } from './kernels/loss.js';
import { nnKernels } from './kernels/nn.js';
import { normKernels } from './kernels/norm.js';
import { optimKernels } from './kernels/optim.js';
import { poolKernels } from './kernels/pool.js';
import { randomKernels } from './kernels/random.js';
import { reduceKernels } from './kernels/reduce.js';

/** Every kernel of the CPU backend. */
export const cpuKernels: KernelTable = {
  ...elementwiseKernels,
  ...clipKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...nnKernels,
  ...poolKernels,
  ...normKernels,
  ...lossKernels,
  ...optimKernels,
  ...randomKernels,
};

/** A new CPU backend (storage is per instance; kernels and their thread pool are shared). */
export function createCpuBackend(): CpuBackend {
  return new CpuBackend(cpuKernels);
}

/**
 * Registers the CPU backend under the name `cpu`; importing `@igcnet/cpu` does it. Priority 1:
 * with nothing set, `getBackend()` makes it the active backend (WebGPU registers at 0 and is
 * only made by `await setBackend('webgpu')`).
 */
export function registerCpuBackend(priority = 1): void {
  registerBackend('cpu', createCpuBackend, priority);
}
