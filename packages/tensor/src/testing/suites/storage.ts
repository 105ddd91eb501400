import { describe, expect } from 'vitest';
import type { DType, TypedArray } from '../../core/dtype.js';
import type { Tensor } from '../../core/tensor.js';
import { ENGINE } from '../../engine/engine.js';
import { batchNorm } from '../../ops/batchnorm.js';
import { conv2d } from '../../ops/conv.js';
import { add, relu } from '../../ops/elementwise.js';
import { transpose } from '../../ops/layout.js';
import { softmax } from '../../ops/loss.js';
import { matmul } from '../../ops/matmul.js';
import { sum } from '../../ops/reduction.js';
import { randn, toTensor } from '../data.js';
import type { Kit } from '../kit.js';

/** Float32 values whose bits storage must keep: −0, NaN, infinities, extremes. */
const FLOAT_BITS = [0, -0, Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-30, 0.1, -2.5];
/** int32 values storage must keep exactly, the ends of the range and 2²⁴ + 1 among them. */
const INT_VALUES = [-(2 ** 31), 2 ** 31 - 1, 0, -1, 16777217, 123456789];

/** Whether `actual` holds `expected` (float32-rounded for a Float32Array), −0 and NaN included. */
function sameBits(actual: TypedArray, expected: readonly number[]): boolean {
  const round = actual instanceof Float32Array ? Math.fround : (v: number) => v;
  return (
    actual.length === expected.length && expected.every((v, i) => Object.is(actual[i], round(v)))
  );
}

/**
 * The storage half of the contract (`Backend.write`, `read`, `readSync`, `limits`): values keep
 * their bits, `write` copies what it is given, reads hand out arrays the caller owns, and no
 * kernel writes into an input it does not list in `KERNEL_SPECS[name].mutates`.
 */
export function storageSuite(kit: Kit): void {
  describe('storage', () => {
    const cases: readonly [DType, TypedArray, readonly number[]][] = [
      ['float32', Float32Array.from(FLOAT_BITS), FLOAT_BITS],
      ['int32', Int32Array.from(INT_VALUES), INT_VALUES],
    ];
    for (const [dtype, values, expected] of cases) {
      kit.test(`${dtype} values round-trip bit for bit`, [], async () => {
        const t = ENGINE.fromValues(values, [values.length], dtype);
        const back = await t.data();
        expect(back, `read of a ${dtype} tensor`).toBeInstanceOf(
          dtype === 'int32' ? Int32Array : Float32Array,
        );
        expect(sameBits(back, expected), `read gave [${Array.from(back)}]`).toBe(true);
        const backend = kit.backend();
        if (backend.readSync) {
          const sync = t.dataSync();
          expect(sameBits(sync, expected), `readSync gave [${Array.from(sync)}]`).toBe(true);
        }
      });
    }

    kit.test(
      'fill, where the backend has it, converts values as a typed array fill',
      [],
      async () => {
        const backend = kit.backend();
        // Values a fill must convert: −0 and NaN kept, float32 rounding and overflow, int32 wrap.
        const values = [0, -0, 1, 1.5, -2.7, Number.NaN, Infinity, 1e39, 2 ** 31 + 5, 0.1];
        for (const dtype of ['float32', 'int32'] as const) {
          for (const value of values) {
            const want = (dtype === 'int32' ? new Int32Array(7) : new Float32Array(7)).fill(value);
            // Through the engine: the backend's fill where it has one, a filled write elsewhere.
            const t = ENGINE.filled([7], value, dtype);
            const got = await t.data();
            t.dispose();
            expect(
              sameBits(got, Array.from(want)),
              `${dtype} fill of ${value} gave [${Array.from(got)}]`,
            ).toBe(true);
          }
        }
        if (backend.fill) {
          const empty = ENGINE.filled([2, 0, 3], 1, 'float32');
          expect(empty.size, 'an empty fill').toBe(0);
          expect((await empty.data()).length).toBe(0);
          empty.dispose();
        }
      },
    );

    kit.test('write copies its values (a view into a larger buffer too)', [], async () => {
      const buffer = new Float32Array([9, 1, 2, 3, 9]);
      const view = buffer.subarray(1, 4);
      const t = ENGINE.fromValues(view, [3], 'float32');
      buffer.fill(-7);
      expect(Array.from(await t.data()), 'values after the caller changed its array').toEqual([
        1, 2, 3,
      ]);
    });

    kit.test('reads return new arrays the caller owns', [], async () => {
      const t = toTensor(randn(kit.rng(1800), [6]));
      const first = await t.data();
      const kept = Array.from(first);
      first.fill(42);
      const second = await t.data();
      expect(second, 'two reads return two arrays').not.toBe(first);
      expect(Array.from(second), 'the tensor after the caller changed a read').toEqual(kept);
      if (kit.backend().readSync) {
        const sync = t.dataSync();
        sync.fill(-1);
        expect(Array.from(t.dataSync()), 'the tensor after the caller changed a readSync').toEqual(
          kept,
        );
      }
    });

    kit.test('limits, when stated, are a positive whole number of bytes', [], () => {
      const limits = kit.backend().limits;
      if (limits === undefined) return;
      expect(Number.isSafeInteger(limits.maxBufferBytes) && limits.maxBufferBytes > 0).toBe(true);
    });

    kit.test(
      'kernels leave their inputs unchanged',
      ['Add', 'Relu', 'Conv2D', 'MatMul', 'BatchNormTrain', 'Softmax', 'Sum', 'Transpose'],
      async () => {
        const rng = kit.rng(1801);
        const x = toTensor(randn(rng, [2, 4, 5, 5]));
        const w = toTensor(randn(rng, [4, 2, 3, 3]));
        const m = toTensor(randn(rng, [5, 3]));
        const gamma = toTensor(randn(rng, [4]));
        const beta = toTensor(randn(rng, [4]));
        const inputs: readonly Tensor[] = [x, w, m, gamma, beta];
        const before = await Promise.all(inputs.map((t) => t.data()));
        add(x, x);
        relu(x);
        conv2d(x, w, { padding: 1, groups: 2 });
        matmul(m, m, { transposeA: true });
        batchNorm(x, gamma, beta, { training: true });
        softmax(m);
        sum(x, [0, 2, 3]);
        transpose(x, [0, 2, 3, 1]);
        for (const [i, t] of inputs.entries()) {
          const after = await t.data();
          expect(sameBits(after, Array.from(before[i]!)), `input ${i} of shape [${t.shape}]`).toBe(
            true,
          );
        }
      },
    );
  });
}
