import { statelessBits, statelessKeyWords, UNIFORM_24 } from '@igcnet/tensor';
import type { KernelTable } from '@igcnet/tensor/backend';
import { alloc, vals } from '../storage.js';

/** The counter-based uniform generator (random/stateless.ts) of the CPU backend. */
export const randomKernels: KernelTable = {
  StatelessRandomUniform: ({ inputs: { key }, attrs: { shape } }) => {
    const k = vals(key);
    const [a, b] = statelessKeyWords(k[0]!, k[1]!);
    const { values: o, info } = alloc(shape, 'float32', false);
    for (let i = 0; i < o.length; i++) o[i] = statelessBits(a, b, i) * UNIFORM_24;
    return info;
  },
};
