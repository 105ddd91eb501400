import { expect } from 'vitest';
import type { DType } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import { valueAndGrads } from '../engine/api.js';
import { mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduction.js';
import type { Random } from '../random/prng.js';
import { expectClose } from './compare.js';
import { randn, toTensor } from './data.js';
import { fdGradients } from './fd.js';
import type { Kit } from './kit.js';
import { type Nd, nd } from './reference/nd.js';

/** A differentiable function, as the backend runs it and as the reference defines it. */
export interface GradCase {
  /** Reference inputs; the backend gets the same values. */
  inputs: readonly Nd[];
  /** dtype of each input (float32 when absent), e.g. int32 labels. */
  dtypes?: readonly DType[];
  /** Indices of the inputs to differentiate. */
  wrt: readonly number[];
  /** The function on the backend. */
  op: (ts: readonly Tensor[]) => Tensor;
  /** The same function on the reference. */
  ref: (xs: readonly Nd[]) => Nd;
  /** Finite-difference step (1e-3 by default). */
  h?: number;
}

/**
 * Checks the backend's gradients of Σ op(xs) ⊙ W (random W) against central finite differences of
 * the reference in float64. The backend differentiates once; the reference is evaluated twice per
 * input element, which is cheap for the small shapes used here.
 */
export async function checkGradients(
  kit: Kit,
  rng: Random,
  c: GradCase,
  what: string,
): Promise<void> {
  const copy = (): Nd[] => c.inputs.map((x) => nd(x.shape, x.data));
  const y = c.ref(copy());
  const weights = randn(rng, y.shape);
  const ts = c.inputs.map((x, i) => toTensor(x, c.dtypes?.[i] ?? 'float32'));
  const w = toTensor(weights);
  const { value, grads } = valueAndGrads(
    () => sum(mul(c.op(ts), w)),
    c.wrt.map((i) => ts[i]!),
  );
  let expected = 0;
  let magnitude = 0;
  y.data.forEach((v, i) => {
    expected += v * weights.data[i]!;
    magnitude += Math.abs(v * weights.data[i]!);
  });
  const got = (await value.data())[0]!;
  expect(
    Math.abs(got - expected),
    `${what}: loss ${got}, reference ${expected}`,
  ).toBeLessThanOrEqual(kit.opts.atol + kit.opts.rtol * magnitude);
  const fd = fdGradients(c.ref, copy(), weights, c.wrt, c.h ?? 1e-3);
  for (let j = 0; j < c.wrt.length; j++) {
    const tol = { rtol: kit.opts.gradRtol, atol: kit.opts.gradRtol * 1e-2 };
    await expectClose(grads[j]!, fd[j]!, tol, `${what}: gradient of input ${c.wrt[j]}`);
  }
}
