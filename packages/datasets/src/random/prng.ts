/**
 * A small portable PRNG so that every machine draws the same numbers: xoshiro128** seeded
 * through splitmix32. Only 32-bit integer arithmetic (Math.imul, >>> 0) is used, which JS
 * defines exactly, so results never depend on the platform.
 */

/** One step of splitmix32: a good 32-bit mixer, also used to derive seeds. */
export function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Creates a xoshiro128** generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    return splitmix32(s);
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  // xoshiro must not start from the all-zero state.
  if ((a | b | c | d) === 0) a = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const float = () => nextU32() / 0x100000000;
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
