import type { KernelTable } from '../../core/backend.js';
import { clipKernels } from './clip.js';
import { elementwiseKernels } from './elementwise.js';
import { layoutKernels } from './layout.js';
import { lossKernels } from './loss.js';
import { nnKernels } from './nn.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { poolKernels } from './pool.js';
import { randomKernels } from './random.js';
import { reduceKernels } from './reduce.js';

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
