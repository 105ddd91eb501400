/**
 * Wires the CPU backend: the kernel table assembled from every family (as tfjs's
 * `register_all_kernels.ts`), the factory, and the registration under the name `cpu`. Kernels
 * depend on storage, the backend class on neither; this file alone depends on all of them.
 */
import { registerBackend } from '@igcnet/tensor';
import type { KernelImpl, KernelName, KernelTable } from '@igcnet/tensor/backend';
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
import { withStoreOf } from './storage.js';

/** `impl` with its outputs allocated from the store of the backend it is called with. */
function bound<K extends KernelName>(impl: KernelImpl<K>): KernelImpl<K> {
  return (args) => withStoreOf(args.backend, () => impl(args));
}

function bindAll(table: KernelTable): KernelTable {
  const out: Partial<Record<KernelName, unknown>> = {};
  for (const [name, impl] of Object.entries(table) as [KernelName, KernelImpl<KernelName>][])
    out[name] = bound(impl);
  return out as KernelTable;
}

/**
 * Every kernel of the CPU backend. Each allocates its outputs from the store of the backend it
 * is given (a `CpuBackend`; any other backend argument: a process-wide default store).
 */
export const cpuKernels: KernelTable = bindAll({
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
});

/**
 * A new CPU backend (its accounting and pool of freed storage are its own; the WebAssembly
 * memory, the kernels and their thread pool are shared by the process).
 */
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
