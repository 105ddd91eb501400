import { describe } from 'vitest';
import { argmax, max, mean, sum } from '../../ops/reduction.js';
import { expectClose, expectExact } from '../compare.js';
import { distinct, ints, randn, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/reduce.js';

/** Axis sets of a rank-3 tensor, including none and all. */
const AXES: readonly (readonly number[])[] = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];

/** Sum, Max (and mean, which is Sum then Mul) over many axis sets, ArgMax with ties, gradients. */
export function reduceSuite(kit: Kit): void {
  describe('reductions', () => {
    for (const axes of AXES) {
      for (const keepDims of [false, true]) {
        kit.test(
          `Sum, mean and Max over [${axes}] keepDims ${keepDims}`,
          ['Sum', 'Max', 'Mul'],
          async () => {
            const x = randn(kit.rng(700), [3, 4, 5]);
            const t = toTensor(x);
            await expectClose(
              sum(t, axes, { keepDims }),
              ref.sum(x, axes, keepDims),
              kit.opts,
              'sum',
            );
            if (axes.length > 0)
              await expectClose(
                mean(t, axes, { keepDims }),
                ref.mean(x, axes, keepDims),
                kit.opts,
                'mean',
              );
            await expectClose(
              max(t, axes, { keepDims }),
              ref.max(x, axes, keepDims),
              kit.opts,
              'max',
            );
          },
        );
      }
    }
    kit.test('Sum over all axes by default, and negative axes', ['Sum', 'Max'], async () => {
      const x = randn(kit.rng(701), [2, 3, 4, 5]);
      const t = toTensor(x);
      await expectClose(sum(t), ref.sum(x, [0, 1, 2, 3]), kit.opts, 'sum()');
      await expectClose(sum(t, [-1, 0]), ref.sum(x, [0, 3]), kit.opts, 'sum([-1, 0])');
      await expectClose(max(t, -2, { keepDims: true }), ref.max(x, [2], true), kit.opts, 'max(-2)');
      await expectClose(sum(t, [0, 2, 3]), ref.sum(x, [0, 2, 3]), kit.opts, 'sum over N, H, W');
    });
    kit.test('Sum of a long row stays accurate', ['Sum'], async () => {
      const x = randn(kit.rng(702), [3, 4099], 1, 3);
      await expectClose(sum(toTensor(x), 1), ref.sum(x, [1]), kit.opts, 'long sum');
    });
    kit.test('Max of all-negative values', ['Max'], async () => {
      const x = randn(kit.rng(703), [4, 5], 0.1, -10);
      await expectClose(max(toTensor(x), 1), ref.max(x, [1]), kit.opts, 'max');
    });
    for (const axis of [0, 1, 2, -1]) {
      kit.test(`ArgMax along ${axis}, ties to the first`, ['ArgMax'], async () => {
        const x = ints(kit.rng(704), [3, 4, 5], 0, 3);
        const a = axis < 0 ? axis + 3 : axis;
        await expectExact(argmax(toTensor(x), axis), ref.argmax(x, a), 'int32', 'argmax');
      });
    }

    describe('gradients', () => {
      for (const axes of [[0], [1, 2], [0, 2], [0, 1, 2]]) {
        for (const keepDims of [false, true]) {
          kit.test(
            `d Sum / mean / Max over [${axes}] keepDims ${keepDims}`,
            ['Sum', 'Max'],
            async () => {
              const rng = kit.rng(710);
              const x = distinct(rng, [3, 4, 5], 0.05);
              const cases = [
                ['sum', sum, ref.sum],
                ['mean', mean, ref.mean],
                ['max', max, ref.max],
              ] as const;
              for (const [name, op, r] of cases) {
                await checkGradients(
                  kit,
                  rng,
                  {
                    inputs: [x],
                    wrt: [0],
                    op: ([t]) => op(t!, axes, { keepDims }),
                    ref: ([v]) => r(v!, axes, keepDims),
                  },
                  `d ${name}`,
                );
              }
            },
          );
        }
      }
    });
  });
}
