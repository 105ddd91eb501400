import type { KernelTable } from '@igcnet/tensor';
import { clipKernels } from './clip.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { layoutKernels } from './layout.js';
import { lossKernels } from './loss.js';
import { matmulKernels } from './matmul.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { poolKernels } from './pool.js';
import { randomKernels } from './random.js';
import { reduceKernels } from './reduce.js';

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
