import { describe } from 'vitest';
import type { Pool2DAttrs } from '../../core/kernel_names.js';
import { avgPool2d, globalAvgPool, maxPool2d } from '../../ops/pool.js';
import { run } from '../../ops/util.js';
import { expectClose } from '../compare.js';
import { distinct, ints, randn, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/pool.js';
import { mean } from '../reference/reduce.js';

type Quad = [number, number, number, number];

interface PoolCase {
  name: string;
  x: Quad;
  attrs: Pool2DAttrs;
}

function p(
  name: string,
  x: Quad,
  kernel: [number, number],
  stride: [number, number],
  pad: Quad = [0, 0, 0, 0],
): PoolCase {
  return { name, x, attrs: { kernel, stride, pad } };
}

const CASES: readonly PoolCase[] = [
  p('2×2 stride 2', [2, 3, 6, 6], [2, 2], [2, 2]),
  p('3×3 stride 2 pad 1', [2, 2, 7, 7], [3, 3], [2, 2], [1, 1, 1, 1]),
  p('3×3 stride 1 pad 1 (overlapping)', [1, 3, 5, 5], [3, 3], [1, 1], [1, 1, 1, 1]),
  p('2×3 stride [1, 2], pad [1,0,1,2]', [1, 2, 5, 7], [2, 3], [1, 2], [1, 0, 1, 2]),
  p('1×1 image, 1×1 window', [3, 5, 1, 1], [1, 1], [1, 1]),
  p('1×1 image, 2×2 window, pad [1,0,1,0]', [2, 1, 1, 1], [2, 2], [1, 1], [1, 0, 1, 0]),
  p('odd input, window does not tile it', [1, 7, 5, 5], [2, 2], [2, 2]),
];

/** Max and average pooling, their gradient kernels, and FD gradients through them. */
export function poolSuite(kit: Kit): void {
  describe('pooling', () => {
    for (const cc of CASES) {
      const opts = { kernel: cc.attrs.kernel, stride: cc.attrs.stride, padding: cc.attrs.pad };
      kit.test(`MaxPool ${cc.name}`, ['MaxPool'], async () => {
        // All-negative inputs: a padded zero would win if padding took part in the max.
        const x = randn(kit.rng(1100), cc.x, 1, -5);
        await expectClose(
          maxPool2d(toTensor(x), opts),
          ref.maxPool(x, cc.attrs),
          kit.opts,
          'maxPool',
        );
      });
      for (const countIncludePad of [true, false]) {
        kit.test(
          `AvgPool ${cc.name}, countIncludePad ${countIncludePad}`,
          ['AvgPool'],
          async () => {
            const x = randn(kit.rng(1101), cc.x, 1, 2);
            await expectClose(
              avgPool2d(toTensor(x), { ...opts, countIncludePad }),
              ref.avgPool(x, cc.attrs, countIncludePad),
              kit.opts,
              'avgPool',
            );
          },
        );
        kit.test(
          `AvgPoolGrad ${cc.name}, countIncludePad ${countIncludePad}`,
          ['AvgPoolGrad'],
          async () => {
            const rng = kit.rng(1102);
            const y = ref.avgPool(randn(rng, cc.x), cc.attrs, countIncludePad);
            const dy = randn(rng, y.shape);
            await expectClose(
              run(
                'AvgPoolGrad',
                { dy: toTensor(dy) },
                { ...cc.attrs, countIncludePad, inputShape: cc.x },
              ),
              ref.avgPoolGrad(dy, cc.attrs, countIncludePad, cc.x),
              kit.opts,
              'avgPoolGrad',
            );
          },
        );
      }
      kit.test(
        `MaxPoolGrad ${cc.name}, ties routed to the first maximum`,
        ['MaxPoolGrad'],
        async () => {
          const rng = kit.rng(1103);
          // Few distinct values: most windows hold tied maxima.
          const x = ints(rng, cc.x, -3, 0);
          const dy = randn(rng, ref.maxPool(x, cc.attrs).shape);
          await expectClose(
            run('MaxPoolGrad', { dy: toTensor(dy), x: toTensor(x) }, cc.attrs),
            ref.maxPoolGrad(dy, x, cc.attrs),
            kit.opts,
            'maxPoolGrad',
          );
        },
      );
    }
    kit.test('globalAvgPool is the mean over H and W', ['Sum'], async () => {
      const x = randn(kit.rng(1104), [2, 5, 3, 4]);
      await expectClose(globalAvgPool(toTensor(x)), mean(x, [2, 3]), kit.opts, 'globalAvgPool');
    });

    describe('gradients', () => {
      for (const cc of CASES) {
        const opts = { kernel: cc.attrs.kernel, stride: cc.attrs.stride, padding: cc.attrs.pad };
        kit.test(`d MaxPool ${cc.name}`, ['MaxPool', 'MaxPoolGrad'], async () => {
          const rng = kit.rng(1110);
          const x = distinct(rng, cc.x, 0.01);
          await checkGradients(
            kit,
            rng,
            {
              inputs: [x],
              wrt: [0],
              op: ([t]) => maxPool2d(t!, opts),
              ref: ([v]) => ref.maxPool(v!, cc.attrs),
            },
            'd maxPool',
          );
        });
        for (const countIncludePad of [true, false]) {
          kit.test(
            `d AvgPool ${cc.name}, countIncludePad ${countIncludePad}`,
            ['AvgPool', 'AvgPoolGrad'],
            async () => {
              const rng = kit.rng(1111);
              const x = randn(rng, cc.x);
              await checkGradients(
                kit,
                rng,
                {
                  inputs: [x],
                  wrt: [0],
                  op: ([t]) => avgPool2d(t!, { ...opts, countIncludePad }),
                  ref: ([v]) => ref.avgPool(v!, cc.attrs, countIncludePad),
                },
                'd avgPool',
              );
            },
          );
        }
      }
      kit.test('d globalAvgPool', ['Sum'], async () => {
        const x = randn(kit.rng(1112), [2, 3, 2, 3]);
        await checkGradients(
          kit,
          kit.rng(1113),
          { inputs: [x], wrt: [0], op: ([t]) => globalAvgPool(t!), ref: ([v]) => mean(v!, [2, 3]) },
          'd gap',
        );
      });
    });
  });
}
