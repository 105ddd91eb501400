import type { KernelTable } from '../../core/backend.js';
import { elementwiseKernels } from './elementwise.js';
import { layoutKernels } from './layout.js';
import { lossKernels } from './loss.js';
import { nnKernels } from './nn.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';

/** Every kernel of the CPU backend. */
export const cpuKernels: KernelTable = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...nnKernels,
  ...poolKernels,
  ...normKernels,
  ...lossKernels,
  ...optimKernels,
};
