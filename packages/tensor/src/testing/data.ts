import type { DType } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import type { Random } from '../random/prng.js';
import { count, type Nd, nd } from './reference/nd.js';

/**
 * Inputs are float32-representable, so the backend (float32) and the reference (float64) start
 * from the very same numbers and differences come from the kernels alone.
 */
export function randn(rng: Random, shape: readonly number[], std = 1, mean = 0): Nd {
  return nd(
    shape,
    Array.from({ length: count(shape) }, () => Math.fround(mean + std * rng.normal())),
  );
}

/** Uniform in [min, max), float32-representable. */
export function uniform(rng: Random, shape: readonly number[], min: number, max: number): Nd {
  return nd(
    shape,
    Array.from({ length: count(shape) }, () => Math.fround(min + (max - min) * rng.uniform())),
  );
}

/**
 * Distinct values k·gap + offset (k integer) in random order: max, pooling, ReLU and top-k meet no
 * ties and no kinks within a finite-difference step. Two arrays with offsets apart by gap/2 never
 * share a value.
 */
export function distinct(rng: Random, shape: readonly number[], gap = 0.05, offset = 0): Nd {
  const n = count(shape);
  const v = Array.from({ length: n }, (_, i) =>
    Math.fround((i - Math.floor(n / 2)) * gap + offset),
  );
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return nd(shape, v);
}

/** Uniform integers in [lo, hi). */
export function ints(rng: Random, shape: readonly number[], lo: number, hi: number): Nd {
  return nd(
    shape,
    Array.from({ length: count(shape) }, () => lo + rng.int(hi - lo)),
  );
}

/** A tensor holding a reference array's values. */
export function toTensor(x: Nd, dtype: DType = 'float32'): Tensor {
  const values = dtype === 'int32' ? Int32Array.from(x.data) : Float32Array.from(x.data);
  return tensor(values, x.shape, dtype);
}

/** A reference array holding a tensor's values (read asynchronously: GPUs have no sync read). */
export async function toNd(t: Tensor): Promise<Nd> {
  return nd(t.shape, await t.data());
}
