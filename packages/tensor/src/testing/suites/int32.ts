import { describe, expect } from 'vitest';
import type { KernelName } from '../../core/kernel_names.js';
import type { Tensor } from '../../core/tensor.js';
import { add, div, greaterEqual, maximum, mul, neg, square, sub } from '../../ops/elementwise.js';
import { channelShuffle, concat, pad, reshape, slice, transpose } from '../../ops/layout.js';
import { oneHot } from '../../ops/loss.js';
import { argmax, max, sum } from '../../ops/reduction.js';
import { topk } from '../../ops/topk.js';
import { expectExact } from '../compare.js';
import { ints, toTensor } from '../data.js';
import type { Kit } from '../kit.js';
import { binary, scalarFns, unary, wrapInt32 } from '../reference/elementwise.js';
import * as layout from '../reference/layout.js';
import { oneHot as refOneHot } from '../reference/loss.js';
import { type Nd, nd } from '../reference/nd.js';
import * as reduce from '../reference/reduce.js';
import { topk as refTopk } from '../reference/topk.js';

const I32 = 'int32';

/** int32 paths: exact arithmetic (floor division), reductions, layout, indices; dtypes checked. */
export function int32Suite(kit: Kit): void {
  describe('int32', () => {
    const BIN: readonly [
      KernelName,
      (a: Tensor | number, b: Tensor | number) => Tensor,
      (x: number, y: number) => number,
    ][] = [
      ['Add', add, scalarFns.add],
      ['Sub', sub, scalarFns.sub],
      ['Mul', mul, scalarFns.mul],
      ['Div', div, scalarFns.floorDiv],
      ['Maximum', maximum, scalarFns.maximum],
    ];
    const PAIRS: readonly (readonly [number[], number[]])[] = [
      [
        [2, 3, 4],
        [2, 3, 4],
      ],
      [
        [2, 3, 4],
        [3, 1],
      ],
      [[2, 3, 4], []],
      [
        [3, 1],
        [1, 4],
      ],
    ];
    for (const [kernel, op, fn] of BIN) {
      PAIRS.forEach(([sa, sb], k) => {
        kit.test(`${kernel} int32 [${sa}] with [${sb}]`, [kernel], async () => {
          const rng = kit.rng(600 + k);
          const a = ints(rng, sa, -20, 21);
          // Divisors of both signs, never zero, so floor and truncation disagree somewhere.
          const b =
            kernel === 'Div'
              ? nd(
                  sb,
                  Array.from(ints(rng, sb, 1, 6).data, (v, i) => (i % 2 ? -v : v)),
                )
              : ints(rng, sb, -20, 21);
          const expected = binary(a, b, (x, y) => wrapInt32(fn(x, y)));
          await expectExact(
            op(toTensor(a, I32), toTensor(b, I32)),
            expected,
            I32,
            `${kernel} int32`,
          );
        });
      });
    }
    kit.test('Div int32 floors negative quotients (−7 // 2 = −4)', ['Div'], async () => {
      const a = nd([6], [-7, 7, -7, 7, -6, 0]);
      const b = nd([6], [2, -2, -2, 2, 3, -5]);
      await expectExact(
        div(toTensor(a, I32), toTensor(b, I32)),
        nd([6], [-4, -4, 3, 3, -2, 0]),
        I32,
        'floor division',
      );
    });
    kit.test('Add/Mul int32 with a number keep int32', ['Add', 'Mul'], async () => {
      const a = nd([4], [1, -2, 3, 100000]);
      await expectExact(add(toTensor(a, I32), 5), nd([4], [6, 3, 8, 100005]), I32, 'add(x, 5)');
      await expectExact(mul(3, toTensor(a, I32)), nd([4], [3, -6, 9, 300000]), I32, 'mul(3, x)');
    });
    kit.test('Mul int32 wraps like int32 arithmetic', ['Mul'], async () => {
      const a = nd([2], [65536, 123456789]);
      const b = nd([2], [65536, 1000]);
      await expectExact(
        mul(toTensor(a, I32), toTensor(b, I32)),
        binary(a, b, (x, y) => wrapInt32(x * y)),
        I32,
        'overflow',
      );
    });
    kit.test('GreaterEqual int32 gives float32', ['GreaterEqual'], async () => {
      const a = ints(kit.rng(610), [3, 4], -2, 3);
      const b = ints(kit.rng(611), [4], -2, 3);
      await expectExact(
        greaterEqual(toTensor(a, I32), toTensor(b, I32)),
        binary(a, b, scalarFns.greaterEqual),
        'float32',
        'ge',
      );
    });
    kit.test('Neg and Square int32', ['Neg', 'Square'], async () => {
      const x = ints(kit.rng(612), [2, 5], -50, 51);
      await expectExact(neg(toTensor(x, I32)), unary(x, scalarFns.neg), I32, 'neg');
      await expectExact(square(toTensor(x, I32)), unary(x, scalarFns.square), I32, 'square');
    });
    for (const axes of [[0], [1], [0, 2], [0, 1, 2]]) {
      for (const keepDims of [false, true]) {
        kit.test(
          `Sum and Max int32 over [${axes}] keepDims ${keepDims}`,
          ['Sum', 'Max'],
          async () => {
            const x = ints(kit.rng(620), [3, 4, 5], -100, 100);
            await expectExact(
              sum(toTensor(x, I32), axes, { keepDims }),
              reduce.sum(x, axes, keepDims),
              I32,
              'sum',
            );
            await expectExact(
              max(toTensor(x, I32), axes, { keepDims }),
              reduce.max(x, axes, keepDims),
              I32,
              'max',
            );
          },
        );
      }
    }
    kit.test(
      'ArgMax of int32 and of float32 is int32, first maximum wins',
      ['ArgMax'],
      async () => {
        const x = ints(kit.rng(621), [4, 6], 0, 3);
        for (const axis of [0, 1]) {
          await expectExact(
            argmax(toTensor(x, I32), axis),
            reduce.argmax(x, axis),
            I32,
            `argmax int32 axis ${axis}`,
          );
          await expectExact(
            argmax(toTensor(x), axis),
            reduce.argmax(x, axis),
            I32,
            `argmax float32 axis ${axis}`,
          );
        }
      },
    );
    kit.test(
      'layout kernels move int32 data unchanged',
      ['Transpose', 'Concat', 'Slice', 'Pad', 'ChannelShuffle'],
      async () => {
        const x = ints(kit.rng(630), [2, 6, 2, 3], -1000, 1000);
        const t = toTensor(x, I32);
        await expectExact(reshape(t, [12, -1]), nd([12, 6], x.data), I32, 'reshape');
        await expectExact(
          transpose(t, [0, 2, 3, 1]),
          layout.transpose(x, [0, 2, 3, 1]),
          I32,
          'transpose',
        );
        await expectExact(concat([t, t], 1), layout.concat([x, x], 1), I32, 'concat');
        await expectExact(
          slice(t, [1, 2, 0, 1], [1, 3, 2, 2]),
          layout.slice(x, [1, 2, 0, 1], [1, 3, 2, 2]),
          I32,
          'slice',
        );
        const p = [
          [0, 0],
          [1, 0],
          [1, 2],
          [0, 1],
        ] as const;
        await expectExact(pad(t, p, 7), layout.pad(x, p, 7), I32, 'pad');
        await expectExact(channelShuffle(t, 3), layout.channelShuffle(x, 3), I32, 'channelShuffle');
      },
    );
    kit.test('OneHot from int32 indices', ['OneHot'], async () => {
      const idx = nd([2, 3], [0, 4, 2, -1, 5, 3]);
      await expectExact(oneHot(toTensor(idx, I32), 5), refOneHot(idx, 5), 'float32', 'oneHot');
    });
    kit.test('TopK of int32 gives int32 values and indices', ['TopK'], async () => {
      const x = ints(kit.rng(640), [3, 7], 0, 4);
      const r = refTopk(x, 4);
      const { values, indices } = topk(toTensor(x, I32), 4);
      await expectExact(values, r.values, I32, 'topk values');
      await expectExact(indices, r.indices, I32, 'topk indices');
    });
    kit.test('int32 results have int32 dtype end to end', ['Add', 'Sum'], async () => {
      const t: Nd = nd([3], [1, 2, 3]);
      const s = sum(add(toTensor(t, I32), toTensor(t, I32)));
      expect(s.dtype).toBe(I32);
      expect(await s.item()).toBe(12);
    });
  });
}
