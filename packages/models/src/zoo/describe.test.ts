import { describe, expect, it } from 'vitest';
import { describeModel } from './describe.js';

describe('describeModel', () => {
  it('reports counts, stages, the equal-budget width and the reference checks', () => {
    const r = describeModel('igc-l24m2-d20');
    expect(r).toMatchObject({
      name: 'igc-l24m2-d20',
      numClasses: 10,
      stemWidth: 48,
      inputShape: [3, 32, 32],
    });
    expect(r.params).toBe(151_834);
    expect(r.checks.map((c) => [c.quantity, c.ok])).toEqual([
      ['params', true],
      ['paramsWithBn', true],
      ['macs', true],
    ]);
    const { igcv2, ...igc } = r.equalBudget!;
    expect(igc).toEqual({
      L: 24,
      M: 2,
      width: 48,
      layerParams: 2016,
      regularWidth: Math.sqrt(224),
    });
    // IGCV2 blocks of the same width: 48·9 + 48·ΣK_l parameters, fewest first.
    expect(igcv2.slice(0, 3)).toEqual([
      { K: 4, L: 4, groupSizes: [4, 4, 3], params: 960 },
      { K: 2, L: 6, groupSizes: [2, 2, 2, 2, 3], params: 960 },
      { K: 6, L: 3, groupSizes: [6, 8], params: 1104 },
    ]);
    expect(r.stages.map((s) => s.width)).toEqual([48, 96, 192]);
    expect(JSON.parse(JSON.stringify(r)).layers.length).toBe(r.layers.length);
  });

  it('checks the C-100 head and has no equal-budget entry for regular nets', () => {
    const r = describeModel('regconv-w18-ident-d38', { numClasses: 100 });
    expect(r.checks).toEqual([
      { quantity: 'paramsC100', expected: '0.7167', actual: '0.7167', scale: 1e6, ok: true },
    ]);
    expect(r.equalBudget).toBeUndefined();
  });

  it('describes ImageNet nets at 224×224', () => {
    const r = describeModel('igc-l100m2-ident-imagenet');
    expect(r.params).toBe(8_607_700);
    expect(r.paramsWithBn).toBe(8_637_900);
    expect(r.checks.every((c) => c.ok)).toBe(true);
    expect(r.stages.map((s) => [s.width, s.L, s.M])).toEqual([
      [200, 100, 2],
      [400, 200, 2],
      [800, 400, 2],
      [1600, 800, 2],
    ]);
  });
});
