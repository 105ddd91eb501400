/**
 * The counter-based generator behind `StatelessRandomUniform`: a pure function of an int32 key
 * (seed, counter) and an element index, so that every backend draws the same numbers without
 * sharing a stream, and advancing the counter on the device gives the next draw. It uses only
 * 32-bit integer arithmetic (xor, shifts, wrapping multiplies), which WGSL, WebAssembly and
 * JavaScript (`Math.imul`) all do alike. The mixer is Chris Wellons' "lowbias32".
 */

/** One round of the lowbias32 integer hash, on and to unsigned 32-bit values. */
export function mix32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The two per-key words every element mixes in: a from the seed, b from the counter and a. */
export function statelessKeyWords(seed: number, counter: number): [number, number] {
  const a = mix32((seed ^ 0x9e3779b9) >>> 0);
  const b = mix32((((counter ^ a) >>> 0) + 0x85ebca6b) >>> 0);
  return [a, b];
}

/** 24 random bits of element `i` for the key words of `statelessKeyWords`. */
export function statelessBits(a: number, b: number, i: number): number {
  return mix32((mix32((i ^ b) >>> 0) + a) >>> 0) >>> 8;
}

/** 2⁻²⁴: turns 24 random bits into a float32-exact uniform in [0, 1). */
export const UNIFORM_24 = 1 / 16777216;
