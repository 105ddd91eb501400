import { describe, expect, it } from 'vitest';
import { heNormal, randomNormal, randomUniform } from '../index.js';
import { Random } from './prng.js';

describe('Random', () => {
  it('is a fixed stream for a seed (golden values)', () => {
    const r = new Random(42);
    const got = Array.from({ length: 4 }, () => r.nextU32());
    // Regenerate with the same algorithm only if the algorithm is changed on purpose: these are
    // what makes checkpoints and tests reproducible across machines.
    expect(got).toEqual(GOLDEN_42);
  });

  it('restores its state', () => {
    const r = new Random(7);
    r.normal();
    const s = r.getState();
    const a = [r.normal(), r.uniform(), r.normal()];
    r.setState(s);
    expect([r.normal(), r.uniform(), r.normal()]).toEqual(a);
  });

  it('has the moments of its distributions', () => {
    const r = new Random(1);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.uniform();
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 2);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('rejects non-integer seeds', () => {
    expect(() => new Random(0.5)).toThrow(/integer/);
  });
});

describe('random ops', () => {
  it('give the same numbers for the same seed', () => {
    const a = randomNormal([100], { seed: 3 }).dataSync();
    const b = randomNormal([100], { seed: 3 }).dataSync();
    expect(a).toEqual(b);
    const u = randomUniform([1000], { seed: 3, min: -2, max: 2 }).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
  });

  it('He-normal uses fan_in = Cin/groups·kh·kw', () => {
    const w = heNormal([256, 16, 3, 3], { seed: 5 }).dataSync();
    let s2 = 0;
    for (const v of w) s2 += v * v;
    expect(Math.sqrt(s2 / w.length)).toBeCloseTo(Math.sqrt(2 / 144), 2);
  });
});

// Checked against an independent Python implementation of splitmix32 + xoshiro128**.
const GOLDEN_42 = [2837322924, 544945897, 479756282, 3500138142];
