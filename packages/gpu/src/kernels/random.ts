/**
 * StatelessRandomUniform: the counter-based generator of @igcnet/tensor's random/stateless.ts
 * (lowbias32 rounds on u32, which wrap on overflow in WGSL as Math.imul does), read from the
 * int32 key [seed, counter] on the device, so a training step draws without a host round trip.
 */
import { type KernelTable, sizeOf } from '@igcnet/tensor/backend';
import type { Program } from '../exec/executor.js';
import { gpu, grid1d, LINEAR_ARGS, LINEAR_INDEX, storage } from './common.js';

const fields = { n: 'i32' } as const;

const program: Program<typeof fields> = {
  key: 'stateless-uniform',
  fields,
  code: (u) => `const WG = 256u;
${storage(0, 'K', 'i32')}${storage(1, 'O', 'f32', true)}${u}
fn mix32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  x = x ^ (x >> 16u);
  return x;
}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  let a = mix32(bitcast<u32>(K[0]) ^ 0x9e3779b9u);
  let b = mix32((bitcast<u32>(K[1]) ^ a) + 0x85ebca6bu);
  let h = mix32(mix32(u32(i) ^ b) + a);
  O[i] = f32(h >> 8u) * (1.0 / 16777216.0);
}`,
};

/** Random kernels of the WebGPU backend. */
export const randomKernels: KernelTable = {
  StatelessRandomUniform: ({ inputs: { key }, attrs: { shape }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(shape, 'float32');
    const n = sizeOf(out.shape);
    if (n > 0) g.run(program, [g.buf(key), g.buf(out)], { n }, grid1d(n));
    return out;
  },
};
