/**
 * Seeded randomness for shuffles and augmentations, on the project's one PRNG (`Random` of
 * `@igcnet/tensor`: xoshiro128** seeded through splitmix32, 32-bit integer arithmetic only, so
 * every machine draws the same numbers).
 */
import { Random, splitmix32 } from '@igcnet/tensor';

export { splitmix32 };

/**
 * Combines numbers into one 32-bit seed, e.g. `deriveSeed(seed, epoch, index)`. Order matters,
 * so (1, 2) and (2, 1) give different seeds.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) {
    // Mix both 32-bit halves so seeds above 2^32 still matter.
    const lo = p >>> 0;
    const hi = Math.floor(p / 0x100000000) >>> 0;
    h = splitmix32(h ^ lo);
    if (hi !== 0) h = splitmix32(h ^ hi);
  }
  return h;
}

/** A seeded random number generator. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniform float in [0, 1). */
  float(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
}

/** splitmix32's increment: the streams below start one splitmix step after `Random(seed)`'s. */
const GAMMA = 0x9e3779b9;

/**
 * A generator for a 32-bit seed: the stream of `new Random(seed + γ)`. The offset keeps every
 * permutation and augmentation drawn since the first release (golden values in the tests).
 */
export function createRng(seed: number): Rng {
  const r = new Random(((seed >>> 0) + GAMMA) >>> 0);
  const nextU32 = (): number => r.nextU32();
  // All 32 bits (Random.uniform keeps 24, exact in float32; these floats stay in float64).
  const float = (): number => r.nextU32() / 0x100000000;
  return {
    nextU32,
    float,
    int: (n) => Math.floor(float() * n),
    uniform: (lo, hi) => lo + (hi - lo) * float(),
  };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  const rng = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
