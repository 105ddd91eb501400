import { conv2d, dispose, full, Random, randomNormal, tensor } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { igcv2Choices, igcv2GroupSizes, igcv2Params } from '../analyzer/budget.js';
import { maxAbs, maxAbsDiff } from '../test_util.js';
import { IGCV2Conv, igcv2DenseWeight } from './igcv2_conv.js';

/** Fills every weight of the block with `v`. */
function fill(block: IGCV2Conv, v: number): void {
  for (const p of block.parameters()) {
    const t = full(p.shape, v);
    p.assign(t);
    t.dispose();
  }
}

describe('IGCV2Conv', () => {
  it('has C·9 + C·ΣK_l parameters and refuses sizes that break the complementary condition', () => {
    const b = new IGCV2Conv(48, { groupSizes: [4, 4, 3], init: 'zeros' });
    expect(b.L).toBe(4);
    // Written out: depthwise 48·9 = 432, three group convs 48·4 + 48·4 + 48·3 = 528.
    expect(b.numParameters()).toBe(432 + 528);
    expect(igcv2Params(48, [4, 4, 3])).toBe(960);
    expect(b.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual([
      'depthwise.weight 48x1x3x3',
      'pointwise1.weight 48x4x1x1',
      'pointwise2.weight 48x4x1x1',
      'pointwise3.weight 48x3x1x1',
    ]);
    expect(b.toString()).toContain('(interleave1): Interleave(groups=12)');
    expect(() => new IGCV2Conv(48, { groupSizes: [4, 4] })).toThrow(
      'the group sizes 4·4 = 16 must multiply to the 48 channels (the complementary condition)',
    );
    expect(() => new IGCV2Conv(48, { groupSizes: [] })).toThrow('at least one group 1×1 conv');
    b.dispose();
  });

  it('equals a regular conv with its composed kernel, which is dense', async () => {
    for (const [c, sizes, stride] of [
      [24, [2, 3, 4], 1],
      [16, [4, 4], 2],
      [27, [3, 3, 3], 1],
    ] as const) {
      const b = new IGCV2Conv(c, { groupSizes: sizes, stride, rng: new Random(c) });
      const w = await igcv2DenseWeight(b);
      expect(w.shape).toEqual([c, c, 3, 3]);
      // Every entry of the product depends on the input: no zero anywhere.
      const v = w.dataSync();
      expect(v.filter((a) => a === 0).length, `${c}: zero entries`).toBe(0);
      const x = randomNormal([2, c, 7, 7], { seed: 3 });
      const y = b.forward(x);
      const ref = conv2d(x, w, { stride, padding: 1 });
      expect(maxAbsDiff(y, ref)).toBeLessThan(1e-4 * Math.max(1, maxAbs(ref)));
      dispose([w, x, y, ref]);
      b.dispose();
    }
  });

  it('joins every output to every input through exactly one path', async () => {
    // With every weight 1 each entry of the composed kernel counts the paths between its pair.
    const b = new IGCV2Conv(24, { groupSizes: [2, 3, 4] });
    fill(b, 1);
    const w = await igcv2DenseWeight(b);
    expect(new Set(w.dataSync())).toEqual(new Set([1]));
    dispose(w);
    b.dispose();
  });

  it('restores the channel order after its L − 1 rotations', () => {
    // Depthwise weights 1 at the centre tap, each 1×1 group conv the identity within its group:
    // the block is then the identity map, which it is only if the interleaves compose to it.
    const c = 12;
    const b = new IGCV2Conv(c, { groupSizes: [2, 3, 2], init: 'zeros' });
    const dw = new Float32Array(c * 9);
    for (let i = 0; i < c; i++) dw[i * 9 + 4] = 1;
    const t = tensor(dw, [c, 1, 3, 3]);
    b.depthwise.weight.assign(t);
    t.dispose();
    for (const conv of b.pointwise) {
      const per = c / conv.groups;
      const v = new Float32Array(c * per);
      for (let o = 0; o < c; o++) v[o * per + (o % per)] = 1;
      const w = tensor(v, [c, per, 1, 1]);
      conv.weight.assign(w);
      w.dispose();
    }
    const x = randomNormal([1, c, 4, 4], { seed: 5 });
    const y = b.forward(x);
    expect(maxAbsDiff(x, y)).toBe(0);
    dispose([x, y]);
    b.dispose();
  });
});

describe('IGCV2 budget', () => {
  it('splits C into K-sized groups and the remaining factor, L = log_K(C) + 1 for a power of K', () => {
    expect(igcv2GroupSizes(64, 4)).toEqual([4, 4, 4]);
    expect(igcv2GroupSizes(48, 4)).toEqual([4, 4, 3]);
    expect(igcv2GroupSizes(48, 2)).toEqual([2, 2, 2, 2, 3]);
    expect(igcv2GroupSizes(48, 8)).toEqual([8, 6]);
    expect(igcv2GroupSizes(48, 48)).toEqual([48]);
    expect(igcv2GroupSizes(48, 3)).toEqual([3, 16]);
    expect(igcv2GroupSizes(48, 5)).toBeUndefined();
    expect(igcv2GroupSizes(48, 49)).toBeUndefined();
  });

  it('lists the configurations of a width, fewest parameters first', () => {
    const c = igcv2Choices(48);
    // A tie at 960: the one with fewer convs comes first.
    expect(c[0]).toEqual({ K: 4, L: 4, groupSizes: [4, 4, 3], params: 960 });
    expect(c[1]).toEqual({ K: 2, L: 6, groupSizes: [2, 2, 2, 2, 3], params: 960 });
    // The Xception block (K = C, L = 2) is the most expensive: 48·(9 + 48).
    expect(c.at(-1)).toEqual({ K: 48, L: 2, groupSizes: [48], params: 2736 });
    for (const x of c) expect(x.params).toBe(48 * 9 + 48 * x.groupSizes.reduce((a, b) => a + b));
  });
});
