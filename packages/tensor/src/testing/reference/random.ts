import { count, type Nd, nd } from './nd.js';

/**
 * The counter-based generator of `StatelessRandomUniform` written again in BigInt arithmetic
 * (mod 2³²), independently of random/stateless.ts, so that a slip in its Math.imul or shift
 * handling cannot hide in both.
 */
const M32 = (1n << 32n) - 1n;

function u32(v: number | bigint): bigint {
  return BigInt.asUintN(32, BigInt(v));
}

function lowbias32(v: bigint): bigint {
  let x = v & M32;
  x ^= x >> 16n;
  x = (x * 0x7feb352dn) & M32;
  x ^= x >> 15n;
  x = (x * 0x846ca68bn) & M32;
  x ^= x >> 16n;
  return x;
}

/** Uniform samples of `shape` for the int32 key (seed, counter). */
export function statelessUniformRef(seed: number, counter: number, shape: readonly number[]): Nd {
  const a = lowbias32(u32(seed) ^ 0x9e3779b9n);
  const b = lowbias32(((u32(counter) ^ a) + 0x85ebca6bn) & M32);
  const out = nd(shape);
  for (let i = 0; i < count(shape); i++) {
    const h = lowbias32((lowbias32(BigInt(i) ^ b) + a) & M32);
    out.data[i] = Number(h >> 8n) / 16777216;
  }
  return out;
}
