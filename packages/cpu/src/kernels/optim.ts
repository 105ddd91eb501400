import type { KernelTable } from '@igcnet/tensor/backend';
import { f32 } from '../storage.js';

/** Optimiser kernels of the CPU backend. */
export const optimKernels: KernelTable = {
  SGDUpdate: ({
    inputs: { param, grad, velocity },
    attrs: { lr, momentum, dampening, weightDecay, nesterov },
  }) => {
    const p = f32(param);
    const g = f32(grad);
    const v = f32(velocity);
    for (let i = 0; i < p.length; i++) {
      let d = g[i]! + weightDecay * p[i]!;
      if (momentum !== 0) {
        const vi = momentum * v[i]! + (1 - dampening) * d;
        v[i] = vi;
        d = nesterov ? d + momentum * vi : vi;
      }
      p[i] = p[i]! - lr * d;
    }
    return [] as const;
  },
};
