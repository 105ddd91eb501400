import { describe } from 'vitest';
import { matmul } from '../../ops/matmul.js';
import { expectClose } from '../compare.js';
import { randn, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import { matmul as refMatmul } from '../reference/matmul.js';

const FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Stored shape of an operand whose op() is rows×cols. */
function stored(rows: number, cols: number, transposed: boolean, batch?: number): number[] {
  const s = transposed ? [cols, rows] : [rows, cols];
  return batch === undefined ? s : [batch, ...s];
}

/** 2-D and batched products with every transpose flag, batch-1 broadcasting and gradients. */
export function matmulSuite(kit: Kit): void {
  describe('matmul', () => {
    const DIMS: readonly [number, number, number][] = [
      [3, 5, 4],
      [1, 7, 1],
      [6, 1, 5],
      kit.pick([17, 33, 9], [9, 17, 5]),
    ];
    for (const [ta, tb] of FLAGS) {
      for (const [m, k, n] of DIMS) {
        kit.test(
          `MatMul ${m}×${k}·${k}×${n} transposeA ${ta} transposeB ${tb}`,
          ['MatMul'],
          async () => {
            const rng = kit.rng(900);
            const a = randn(rng, stored(m, k, ta));
            const b = randn(rng, stored(k, n, tb));
            const opts = { transposeA: ta, transposeB: tb };
            await expectClose(
              matmul(toTensor(a), toTensor(b), opts),
              refMatmul(a, b, ta, tb),
              kit.opts,
              'matmul',
            );
          },
        );
      }
      for (const [ba, bb] of [
        [3, 3],
        [1, 3],
        [3, 1],
        [1, 1],
      ] as const) {
        kit.test(
          `MatMul batched ${ba}×(4×3)·${bb}×(3×5) transposeA ${ta} transposeB ${tb}`,
          ['MatMul'],
          async () => {
            const rng = kit.rng(901);
            const a = randn(rng, stored(4, 3, ta, ba));
            const b = randn(rng, stored(3, 5, tb, bb));
            const opts = { transposeA: ta, transposeB: tb };
            await expectClose(
              matmul(toTensor(a), toTensor(b), opts),
              refMatmul(a, b, ta, tb),
              kit.opts,
              'batched matmul',
            );
          },
        );
      }
    }

    describe('gradients', () => {
      for (const [ta, tb] of FLAGS) {
        kit.test(`d MatMul 2-D transposeA ${ta} transposeB ${tb}`, ['MatMul'], async () => {
          const rng = kit.rng(910);
          const a = randn(rng, stored(3, 4, ta));
          const b = randn(rng, stored(4, 2, tb));
          await checkGradients(
            kit,
            rng,
            {
              inputs: [a, b],
              wrt: [0, 1],
              op: ([x, y]) => matmul(x!, y!, { transposeA: ta, transposeB: tb }),
              ref: ([x, y]) => refMatmul(x!, y!, ta, tb),
            },
            'd matmul',
          );
        });
        for (const [ba, bb] of [
          [2, 2],
          [1, 3],
          [3, 1],
        ] as const) {
          kit.test(
            `d MatMul batched ${ba}·${bb} transposeA ${ta} transposeB ${tb}`,
            ['MatMul'],
            async () => {
              const rng = kit.rng(911);
              const a = randn(rng, stored(2, 3, ta, ba));
              const b = randn(rng, stored(3, 4, tb, bb));
              await checkGradients(
                kit,
                rng,
                {
                  inputs: [a, b],
                  wrt: [0, 1],
                  op: ([x, y]) => matmul(x!, y!, { transposeA: ta, transposeB: tb }),
                  ref: ([x, y]) => refMatmul(x!, y!, ta, tb),
                },
                'd batched matmul',
              );
            },
          );
        }
      }
    });
  });
}
