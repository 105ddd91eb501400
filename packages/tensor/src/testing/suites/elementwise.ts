import { describe, expect } from 'vitest';
import type { KernelName } from '../../core/kernel_names.js';
import type { Tensor } from '../../core/tensor.js';
import { grads } from '../../engine/api.js';
import {
  add,
  cast,
  clone,
  div,
  exp,
  greaterEqual,
  log,
  maximum,
  mul,
  neg,
  pow,
  relu,
  sqrt,
  square,
  step,
  sub,
} from '../../ops/elementwise.js';
import { sum } from '../../ops/reduction.js';
import type { Random } from '../../random/prng.js';
import { expectClose, expectExact } from '../compare.js';
import { distinct, ints, randn, toTensor, uniform } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import { binary, scalarFns, unary } from '../reference/elementwise.js';
import { type Nd, nd } from '../reference/nd.js';

type BinOp = (a: Tensor | number, b: Tensor | number) => Tensor;

interface BinaryCase {
  kernel: KernelName;
  op: BinOp;
  fn: (x: number, y: number) => number;
  /** Second operand away from zero (division). */
  nonZero?: boolean;
}

const BINARY: readonly BinaryCase[] = [
  { kernel: 'Add', op: add, fn: scalarFns.add },
  { kernel: 'Sub', op: sub, fn: scalarFns.sub },
  { kernel: 'Mul', op: mul, fn: scalarFns.mul },
  { kernel: 'Div', op: div, fn: scalarFns.div, nonZero: true },
  { kernel: 'Maximum', op: maximum, fn: scalarFns.maximum },
  { kernel: 'GreaterEqual', op: greaterEqual, fn: scalarFns.greaterEqual },
];

/** Shape pairs that exercise every broadcasting path a backend may special-case. */
export const BROADCAST_PAIRS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [
    [2, 3, 4],
    [2, 3, 4],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [
    [3, 1],
    [2, 3, 4],
  ],
  [[2, 3, 4], [1]],
  [[2, 3, 4], []],
  [[], [2, 3]],
  [
    [2, 3, 4, 5],
    [1, 3, 1, 1],
  ],
  [
    [3, 1],
    [1, 4],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
];

function operand(rng: Random, shape: readonly number[], nonZero: boolean): Nd {
  if (!nonZero) return randn(rng, shape);
  const u = uniform(rng, shape, 0.5, 2);
  return nd(
    shape,
    Array.from(u.data, (v, i) => (i % 2 === 0 ? v : -v)),
  );
}

/** Float elementwise kernels: every broadcasting pattern, numbers as operands, and gradients. */
export function elementwiseSuite(kit: Kit): void {
  describe('elementwise (float32)', () => {
    for (const c of BINARY) {
      BROADCAST_PAIRS.forEach(([sa, sb], k) => {
        kit.test(`${c.kernel} [${sa}] with [${sb}]`, [c.kernel], async () => {
          const rng = kit.rng(100 + k);
          // Integers-as-floats in half the cases so that Maximum and GreaterEqual meet ties.
          const a = k % 2 === 0 ? operand(rng, sa, false) : ints(rng, sa, -2, 3);
          const b = operand(rng, sb, c.nonZero === true);
          const bb = k % 2 === 0 || c.nonZero ? b : ints(rng, sb, -2, 3);
          await expectClose(
            c.op(toTensor(a), toTensor(bb)),
            binary(a, bb, c.fn),
            kit.opts,
            c.kernel,
          );
        });
      });
      kit.test(`${c.kernel} with a number on either side`, [c.kernel], async () => {
        const a = operand(kit.rng(7), [3, 4], true);
        const s = Math.fround(-1.5);
        await expectClose(
          c.op(toTensor(a), s),
          binary(a, nd([], [s]), c.fn),
          kit.opts,
          `${c.kernel}(x, n)`,
        );
        await expectClose(
          c.op(s, toTensor(a)),
          binary(nd([], [s]), a, c.fn),
          kit.opts,
          `${c.kernel}(n, x)`,
        );
      });
    }

    const UNARY: readonly [
      KernelName,
      (x: Tensor) => Tensor,
      (v: number) => number,
      'any' | 'positive',
    ][] = [
      ['Neg', neg, scalarFns.neg, 'any'],
      ['Relu', relu, scalarFns.relu, 'any'],
      ['Step', step, scalarFns.step, 'any'],
      ['Exp', exp, scalarFns.exp, 'any'],
      ['Log', log, scalarFns.log, 'positive'],
      ['Sqrt', sqrt, scalarFns.sqrt, 'positive'],
      ['Square', square, scalarFns.square, 'any'],
      ['Identity', clone, (v) => v, 'any'],
    ];
    UNARY.forEach(([kernel, op, fn, domain], k) => {
      kit.test(`${kernel} on [2,3,5]`, [kernel], async () => {
        const rng = kit.rng(200 + k);
        const x =
          domain === 'positive' ? uniform(rng, [2, 3, 5], 0.05, 4) : randn(rng, [2, 3, 5], 2);
        // Exact zeros: ReLU and Step must treat 0 as not positive.
        if (domain === 'any') x.data[0] = 0;
        await expectClose(op(toTensor(x)), unary(x, fn), kit.opts, kernel);
      });
    });
    // No subnormals: WGSL (like most GPUs) may flush them to zero.
    kit.test('Relu and Step at ±0, ±∞ and NaN', ['Relu', 'Step'], async () => {
      const edge = [0, -0, Infinity, -Infinity, Number.NaN, 1e-30, -1e-30, 3.4e38, -3.4e38, 0.5];
      const x = toTensor(nd([edge.length], edge));
      // Step is 0 for NaN (NaN > 0 is false); ReLU keeps a NaN (max propagates it).
      expect(Array.from(await step(x).data())).toEqual([0, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
      expect(Array.from(await relu(x).data())).toEqual([
        0,
        0,
        Infinity,
        0,
        Number.NaN,
        Math.fround(1e-30),
        0,
        Math.fround(3.4e38),
        0,
        0.5,
      ]);
    });
    kit.test('Identity makes fresh storage', ['Identity'], async () => {
      const x = toTensor(nd([3], [1, 2, 3]));
      const y = clone(x);
      x.dispose();
      await expectExact(y, nd([3], [1, 2, 3]), 'float32', 'clone after the source is freed');
    });

    for (const e of [2, 3, 0.5, -1, 2.5, 0]) {
      kit.test(`PowScalar exponent ${e}`, ['PowScalar'], async () => {
        const x = uniform(kit.rng(300), [4, 5], 0.1, 3);
        await expectClose(
          pow(toTensor(x), e),
          unary(x, (v) => v ** e),
          kit.opts,
          `pow ${e}`,
        );
      });
    }

    kit.test('PowScalar with integer exponents on negative bases', ['PowScalar'], async () => {
      const x = randn(kit.rng(301), [3, 4], 2);
      for (const e of [2, 3, -2]) {
        await expectClose(
          pow(toTensor(x), e),
          unary(x, (v) => v ** e),
          kit.opts,
          `pow ${e}`,
        );
      }
    });
    kit.test('Cast float32 → int32 truncates toward zero', ['Cast'], async () => {
      const x = nd([8], [-2.7, -2.5, -0.5, -0, 0.5, 1.5, 2.9, 100.99].map(Math.fround));
      await expectExact(
        cast(toTensor(x), 'int32'),
        nd([8], [-2, -2, 0, 0, 0, 1, 2, 100]),
        'int32',
        'cast to int32',
      );
    });
    kit.test('Cast int32 → float32, and to its own dtype', ['Cast'], async () => {
      const x = nd([2, 3], [-3, -1, 0, 1, 7, 16777216]);
      await expectExact(cast(toTensor(x, 'int32'), 'float32'), x, 'float32', 'cast to float32');
      await expectExact(cast(toTensor(x, 'int32'), 'int32'), x, 'int32', 'cast int32 → int32');
      const f = nd([3], [0.25, -1.5, 3]);
      await expectExact(cast(toTensor(f), 'float32'), f, 'float32', 'cast float32 → float32');
    });

    describe('gradients', () => {
      for (const c of BINARY.filter((b) => b.kernel !== 'GreaterEqual')) {
        BROADCAST_PAIRS.forEach(([sa, sb], k) => {
          kit.test(`d ${c.kernel} [${sa}] with [${sb}]`, [c.kernel], async () => {
            const rng = kit.rng(400 + k);
            let a = randn(rng, sa);
            let b = operand(rng, sb, c.nonZero === true);
            if (c.kernel === 'Maximum') {
              // Keep the operands apart so the kink of max is not within the FD step.
              a = distinct(rng, sa, 0.1);
              b = distinct(rng, sb, 0.1, 0.05);
            }
            await checkGradients(
              kit,
              rng,
              {
                inputs: [a, b],
                wrt: [0, 1],
                op: ([x, y]) => c.op(x!, y!),
                ref: ([x, y]) => binary(x!, y!, c.fn),
              },
              `d ${c.kernel}`,
            );
          });
        });
      }
      const UNARY_GRAD: readonly [KernelName, (x: Tensor) => Tensor, (v: number) => number, Nd][] =
        [
          ['Neg', neg, scalarFns.neg, randn(kit.rng(1), [3, 4])],
          ['Relu', relu, scalarFns.relu, distinct(kit.rng(2), [3, 4], 0.1, 0.05)],
          ['Exp', exp, scalarFns.exp, randn(kit.rng(3), [3, 4])],
          ['Log', log, scalarFns.log, uniform(kit.rng(4), [3, 4], 0.2, 3)],
          ['Sqrt', sqrt, scalarFns.sqrt, uniform(kit.rng(5), [3, 4], 0.2, 3)],
          ['Square', square, scalarFns.square, randn(kit.rng(6), [3, 4])],
          ['Identity', clone, (v) => v, randn(kit.rng(7), [3, 4])],
          ['PowScalar', (x) => pow(x, 3), (v) => v ** 3, uniform(kit.rng(8), [3, 4], 0.2, 2)],
          ['PowScalar', (x) => pow(x, 2.5), (v) => v ** 2.5, uniform(kit.rng(9), [3, 4], 0.2, 2)],
          ['PowScalar', (x) => pow(x, -1), (v) => 1 / v, uniform(kit.rng(10), [3, 4], 0.5, 2)],
        ];
      UNARY_GRAD.forEach(([kernel, op, fn, x], k) => {
        kit.test(`d ${kernel} #${k}`, [kernel], async () => {
          await checkGradients(
            kit,
            kit.rng(500 + k),
            { inputs: [x], wrt: [0], op: ([t]) => op(t!), ref: ([v]) => unary(v!, fn) },
            `d ${kernel}`,
          );
        });
      });
      kit.test('d Cast float32 → float32 passes the gradient through', ['Cast'], async () => {
        const x = randn(kit.rng(11), [2, 3]);
        await checkGradients(
          kit,
          kit.rng(12),
          { inputs: [x], wrt: [0], op: ([t]) => cast(t!, 'float32'), ref: ([v]) => v! },
          'd Cast',
        );
      });
      kit.test(
        'an input the function does not read gets a zero gradient',
        ['Mul', 'Sum'],
        async () => {
          const x = toTensor(randn(kit.rng(15), [2, 3]));
          const unused = toTensor(randn(kit.rng(16), [4]));
          const [gx, gu] = grads(() => sum(mul(x, 2)), [x, unused]);
          await expectExact(gx!, nd([2, 3], new Array<number>(6).fill(2)), 'float32', 'd/dx');
          await expectExact(gu!, nd([4]), 'float32', 'd/d unused');
        },
      );
      kit.test('a tensor used twice accumulates its gradient', ['Mul', 'Add'], async () => {
        const x = randn(kit.rng(13), [2, 3]);
        await checkGradients(
          kit,
          kit.rng(14),
          {
            inputs: [x],
            wrt: [0],
            op: ([t]) => add(mul(t!, t!), t!),
            ref: ([v]) => unary(v!, (e) => e * e + e),
          },
          'd (x·x + x)',
        );
      });
    });
  });
}
