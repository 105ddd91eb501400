import { expect } from 'vitest';
import type { DType } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import type { Nd } from './reference/nd.js';

/** Tolerances: |actual − expected| ≤ atol + rtol · max|expected|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Compares values against a reference with a tolerance scaled by the reference's largest
 * magnitude: float32 kernels lose precision relative to the size of what they sum, not of each
 * output element. Reports the worst element with its index.
 */
export function expectValuesClose(
  actual: ArrayLike<number>,
  expected: Nd,
  tol: Tolerance,
  what: string,
): void {
  expect(actual.length, `${what}: element count`).toBe(expected.data.length);
  let scale = 0;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  const bound = tol.atol + tol.rtol * scale;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const err = Math.abs(a - expected.data[i]!);
    if (!(err <= worstErr) || Number.isNaN(a)) {
      worstErr = Number.isNaN(a) ? Number.POSITIVE_INFINITY : err;
      worst = i;
    }
  }
  if (worst >= 0 && !(worstErr <= bound)) {
    expect.fail(
      `${what}: element ${worst} of shape [${expected.shape.join(',')}] is ${actual[worst]}, expected ${expected.data[worst]} ` +
        `(error ${worstErr.toExponential(2)} > ${bound.toExponential(2)} = ${tol.atol} + ${tol.rtol}·${scale.toPrecision(3)})`,
    );
  }
}

/** Checks a tensor's shape and dtype, then its values against the reference. */
export async function expectClose(
  t: Tensor,
  expected: Nd,
  tol: Tolerance,
  what: string,
): Promise<void> {
  expect([...t.shape], `${what}: shape`).toEqual([...expected.shape]);
  expect(t.dtype, `${what}: dtype`).toBe('float32');
  expectValuesClose(await t.data(), expected, tol, what);
}

/** Checks shape, dtype and exact values (int32 results, indices, permutations). */
export async function expectExact(
  t: Tensor,
  expected: Nd,
  dtype: DType,
  what: string,
): Promise<void> {
  expect([...t.shape], `${what}: shape`).toEqual([...expected.shape]);
  expect(t.dtype, `${what}: dtype`).toBe(dtype);
  // +0 folds −0 into 0: int32 has no negative zero and float equality ignores its sign.
  const data = Array.from(await t.data(), (v) => v + 0);
  expect(data, `${what}: values`).toEqual(Array.from(expected.data, (v) => v + 0));
}
