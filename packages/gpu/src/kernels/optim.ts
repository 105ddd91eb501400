/** The fused, in-place SGD update (PyTorch semantics, see the contract). */
import { type KernelTable, sizeOf } from '@igcnet/tensor/backend';
import type { Program } from '../exec/executor.js';
import { gpu, grid1d, LINEAR_ARGS, LINEAR_INDEX, storage } from './common.js';

const sgdFields = {
  n: 'i32',
  nesterov: 'i32',
  lr: 'f32',
  momentum: 'f32',
  dampening: 'f32',
  wd: 'f32',
} as const;

const sgdProgram: Program<typeof sgdFields> = {
  key: 'sgd',
  fields: sgdFields,
  code: (u) => `const WG = 256u;
${storage(0, 'Param', 'f32', true)}${storage(1, 'Grad', 'f32')}${storage(2, 'Vel', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  let p = Param[i];
  var d = Grad[i] + P.wd * p;
  if (P.momentum != 0.0) {
    let v = P.momentum * Vel[i] + (1.0 - P.dampening) * d;
    Vel[i] = v;
    d = select(v, d + P.momentum * v, P.nesterov != 0);
  }
  Param[i] = p - P.lr * d;
}`,
};

/** Optimiser kernels of the WebGPU backend. */
export const optimKernels: KernelTable = {
  SGDUpdate: ({ inputs: { param, grad, velocity }, attrs, backend }) => {
    const g = gpu(backend);
    const n = sizeOf(param.shape);
    g.run(
      sgdProgram,
      [g.buf(param), g.buf(grad), g.buf(velocity)],
      {
        n,
        nesterov: attrs.nesterov ? 1 : 0,
        lr: attrs.lr,
        momentum: attrs.momentum,
        dampening: attrs.dampening,
        wd: attrs.weightDecay,
      },
      grid1d(n),
    );
    return [] as const;
  },
};
