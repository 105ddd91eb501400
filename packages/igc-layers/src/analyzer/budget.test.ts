import { describe, expect, it } from 'vitest';
import {
  igcParams,
  igcWidthAtBudget,
  isWiderThanRegular,
  optimalIgcAtBudget,
  regularConvParams,
  regularWidthAtBudget,
  widestIgcAtBudget,
} from './budget.js';

describe('equal-budget arithmetic (paper.md §1.4–§1.5)', () => {
  it('counts a layer', () => {
    expect(regularConvParams(16)).toBe(2304);
    expect(igcParams(24, 2)).toBe(2016);
    expect(igcParams(4, 8)).toBe(2432);
    expect(regularWidthAtBudget(2304)).toBe(16);
  });

  it('reproduces the width table at the C = 16 and C = 64 budgets', () => {
    const Ls = [1, 2, 4, 8, 12, 16, 18, 24, 32, 48, 64];
    const at16 = [15.9, 22.4, 31.1, 41.8, 48.0, 51.3, 52.2, 52.7, 50.0, 41.3, 33.5];
    const at64 = [63.9, 90.3, 127.1, 177.5, 213.8, 242.2, 254.1, 283.2, 309.6, 333.5, 332.7];
    Ls.forEach((L, i) => {
      expect(igcWidthAtBudget(L, 2304).toFixed(1)).toBe(at16[i]!.toFixed(1));
      expect(igcWidthAtBudget(L, 36864).toFixed(1)).toBe(at64[i]!.toFixed(1));
    });
    const o16 = optimalIgcAtBudget(2304);
    expect(o16.G.toFixed(1)).toBe('52.8');
    expect(o16.L).toBeCloseTo(21.8, 1);
    expect(o16.M).toBeCloseTo(2.42, 2);
    expect(o16.L).toBeCloseTo(9 * o16.M, 9);
    const o64 = optimalIgcAtBudget(36864);
    expect(o64.G.toFixed(1)).toBe('335.5');
    expect(Math.round(o64.L)).toBe(55);
  });

  it('finds the widest integer IGC within a regular conv budget', () => {
    const w16 = widestIgcAtBudget(16);
    expect(w16).toEqual({ L: 26, M: 2, width: 52, params: 2288, budget: 2304 });
    const w64 = widestIgcAtBudget(64);
    expect(w64.params).toBeLessThanOrEqual(36864);
    expect(w64.width).toBeGreaterThanOrEqual(330);
    expect(w64.width).toBeLessThanOrEqual(335);
  });

  it('states when an IGC is wider: L/(L−1) < M·S', () => {
    expect(isWiderThanRegular(4, 8)).toBe(true);
    expect(isWiderThanRegular(1, 8)).toBe(false);
    expect(isWiderThanRegular(2, 1, 1)).toBe(false);
  });
});
