import { describe, expect } from 'vitest';
import { grads } from '../../engine/api.js';
import { tensor } from '../../ops/creation.js';
import { mul } from '../../ops/elementwise.js';
import { dropout, statelessRandomUniform } from '../../ops/random.js';
import { sum } from '../../ops/reduction.js';
import { expectValuesClose } from '../compare.js';
import { randn, toTensor } from '../data.js';
import type { Kit } from '../kit.js';
import { statelessUniformRef } from '../reference/random.js';

const key = (seed: number, counter: number) => tensor(Int32Array.of(seed, counter), [2], 'int32');

/** The counter-based generator and dropout built on it. */
export function randomSuite(kit: Kit): void {
  describe('stateless random and dropout', () => {
    const KEYS: readonly (readonly [number, number])[] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [-7, 123456],
      [2147483647, -2147483648],
    ];
    for (const [s, c] of KEYS) {
      kit.test(
        `StatelessRandomUniform with key (${s}, ${c})`,
        ['StatelessRandomUniform'],
        async () => {
          const shape = [3, 5, 7];
          const got = await statelessRandomUniform(key(s, c), shape).data();
          // Exact: the generator is integer arithmetic and the scaling exact in float32.
          expect(Array.from(got)).toEqual(Array.from(statelessUniformRef(s, c, shape).data));
        },
      );
    }
    kit.test(
      'uniform samples in [0, 1) with the moments of U(0, 1)',
      ['StatelessRandomUniform'],
      async () => {
        const n = kit.pick(65536, 16384);
        const v = await statelessRandomUniform(key(42, 3), [n]).data();
        let s = 0;
        let s2 = 0;
        let lo = 1;
        let hi = 0;
        for (const x of v) {
          s += x;
          s2 += x * x;
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThan(1);
        // Mean 1/2 and variance 1/12, to within about 5 standard errors.
        expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
        expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.005);
      },
    );
    kit.test('another counter gives another draw', ['StatelessRandomUniform'], async () => {
      const a = await statelessRandomUniform(key(5, 0), [64]).data();
      const b = await statelessRandomUniform(key(5, 1), [64]).data();
      const same = Array.from(a).filter((x, i) => x === b[i]).length;
      expect(same).toBeLessThan(3);
    });

    kit.test(
      'dropout keeps 1 − rate of the values, scaled by 1/(1 − rate)',
      ['StatelessRandomUniform', 'GreaterEqual', 'Mul'],
      async () => {
        const rate = 0.3;
        const x = randn(kit.rng(2700), [8, 256]);
        const y = await dropout(toTensor(x), rate, key(9, 4)).data();
        const u = statelessUniformRef(9, 4, [8, 256]).data;
        const scale = Math.fround(1 / (1 - rate));
        const want = Array.from(x.data, (v, i) => (u[i]! >= Math.fround(rate) ? v * scale : 0));
        expectValuesClose(
          y,
          { shape: [8, 256], data: Float64Array.from(want) },
          kit.opts,
          'dropout',
        );
        const kept = want.filter((v) => v !== 0).length / want.length;
        expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.05);
      },
    );
    kit.test('dropout with rate 0 is the identity', ['StatelessRandomUniform', 'Mul'], async () => {
      const x = randn(kit.rng(2701), [4, 9]);
      expectValuesClose(await dropout(toTensor(x), 0, key(1, 1)).data(), x, kit.opts, 'rate 0');
    });
    kit.test(
      'the gradient of dropout is the same scaled mask',
      ['StatelessRandomUniform', 'Mul'],
      async () => {
        const rate = 0.5;
        const x = toTensor(randn(kit.rng(2702), [5, 40]));
        const w = randn(kit.rng(2703), [5, 40]);
        const k = key(77, 12);
        const [g] = grads(() => sum(mul(dropout(x, rate, k), toTensor(w))), [x]);
        const u = statelessUniformRef(77, 12, [5, 40]).data;
        const want = Array.from(w.data, (v, i) => (u[i]! >= rate ? v * 2 : 0));
        expectValuesClose(
          await g!.data(),
          { shape: [5, 40], data: Float64Array.from(want) },
          kit.opts,
          'd dropout',
        );
      },
    );
    kit.test('bad keys and rates are refused', ['StatelessRandomUniform'], () => {
      const x = toTensor(randn(kit.rng(2704), [2, 2]));
      expect(() => statelessRandomUniform(tensor([1, 2, 3], [3], 'int32'), [2])).toThrow(
        "'key' must be an int32 tensor of shape [2]",
      );
      expect(() => statelessRandomUniform(tensor([1, 2], [2]), [2])).toThrow('int32');
      expect(() => dropout(x, 1, key(0, 0))).toThrow('rate must be in [0, 1)');
      expect(() => dropout(x, -0.1, key(0, 0))).toThrow('rate must be in [0, 1)');
    });
  });
}
