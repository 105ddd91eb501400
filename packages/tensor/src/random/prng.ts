/**
 * The project's one PRNG: xoshiro128** seeded through splitmix32. Only 32-bit integer arithmetic
 * (Math.imul, >>> 0) is used, so a seed gives the same stream on every machine and every
 * JavaScript engine; normals use Box–Muller on top of it. `@igcnet/datasets` builds its
 * shuffles and augmentations on the same generator.
 */

/** The full state of a generator, for checkpoints. */
export type RandomState = readonly [number, number, number, number, number | null];

/** splitmix32's increment (2^32 / φ). */
const GAMMA = 0x9e3779b9;

/**
 * One step of splitmix32: mixes `x + γ` into a well-spread unsigned 32-bit value. Consecutive
 * inputs (x, x + γ, x + 2γ, …) seed generators; `@igcnet/datasets` also derives seeds with it.
 */
export function splitmix32(x: number): number {
  let z = (x + GAMMA) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded random stream. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second Box–Muller value, kept for the next call. */
  private spare: number | null = null;

  constructor(seed = 0) {
    if (!Number.isInteger(seed)) throw new Error(`Random: seed must be an integer, got ${seed}`);
    // splitmix32 of seed, seed + γ, seed + 2γ, seed + 3γ: four distinct outputs of a bijection,
    // so never the all-zero state xoshiro must avoid.
    const s = seed >>> 0;
    this.s0 = splitmix32(s);
    this.s1 = splitmix32((s + GAMMA) >>> 0);
    this.s2 = splitmix32((s + 2 * GAMMA) >>> 0);
    this.s3 = splitmix32((s + 3 * GAMMA) >>> 0);
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits, exact in float32. */
  uniform(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    // 1 - u keeps the log argument in (0, 1].
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A copy of the state, to restore with `setState`. */
  getState(): RandomState {
    return [this.s0, this.s1, this.s2, this.s3, this.spare];
  }

  setState(state: RandomState): void {
    [this.s0, this.s1, this.s2, this.s3, this.spare] = state;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const globalRandom = { rng: new Random(0) };

/** Re-seeds the global stream used by random ops called without a seed. */
export function setSeed(seed: number): void {
  globalRandom.rng = new Random(seed);
}

/** The global stream. */
export function globalRng(): Random {
  return globalRandom.rng;
}
