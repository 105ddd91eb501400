/** Clip (ReLU6 among its uses) and its one-pass gradient ClipGrad. */
import { type KernelTable, sizeOf } from '@igcnet/tensor/backend';
import type { Program } from '../exec/executor.js';
import { gpu, grid1d, LINEAR_ARGS, LINEAR_INDEX, SPECIAL_FLOATS, storage } from './common.js';

const clipFields = { n: 'i32', lo: 'f32', hi: 'f32' } as const;

// NaN is tested on the bits (isNan) rather than left to compares: WGSL allows a compiler to
// assume floats are not NaN. NaN x stays NaN in Clip and gives 0 in ClipGrad, as on the CPU.
const clipProgram: Program<typeof clipFields> = {
  key: 'clip',
  fields: clipFields,
  code: (u) => `const WG = 256u;
${storage(0, 'X', 'f32')}${storage(1, 'O', 'f32', true)}${u}${SPECIAL_FLOATS}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  let x = X[i];
  O[i] = select(min(max(x, P.lo), P.hi), x, isNan(x));
}`,
};

const clipGradProgram: Program<typeof clipFields> = {
  key: 'clip-grad',
  fields: clipFields,
  code: (u) => `const WG = 256u;
${storage(0, 'DY', 'f32')}${storage(1, 'X', 'f32')}${storage(2, 'O', 'f32', true)}${u}${SPECIAL_FLOATS}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  let x = X[i];
  O[i] = select(0.0, DY[i], x > P.lo && x < P.hi && !isNan(x));
}`,
};

/** Clip kernels of the WebGPU backend. */
export const clipKernels: KernelTable = {
  Clip: ({ inputs: { x }, attrs: { min, max }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, 'float32');
    const n = sizeOf(x.shape);
    g.run(clipProgram, [g.buf(x), g.buf(out)], { n, lo: min, hi: max }, grid1d(n));
    return out;
  },
  ClipGrad: ({ inputs: { dy, x }, attrs: { min, max }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, 'float32');
    const n = sizeOf(x.shape);
    g.run(clipGradProgram, [g.buf(dy), g.buf(x), g.buf(out)], { n, lo: min, hi: max }, grid1d(n));
    return out;
  },
};
