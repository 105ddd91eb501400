import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random/prng.js';
import { horizontalFlip, padCrop } from './augment.js';
import { centerCrop, planCrop, scaleAspectCrop } from './crop-plan.js';
import { NORMALIZATION, normalize } from './normalize.js';
import { trainTransforms } from './presets.js';
import type { FloatImage } from './transform.js';

/** An rng that returns fixed draws, to place crops exactly. */
function fixed(ints: number[], floats: number[] = []): Rng {
  return {
    nextU32: () => 0,
    float: () => floats.shift() ?? 0,
    int: () => ints.shift() ?? 0,
    uniform: (lo) => lo,
  };
}

function ramp(c: number, h: number, w: number): FloatImage {
  return { data: Float32Array.from({ length: c * h * w }, (_, i) => i), shape: [c, h, w] };
}

describe('transforms', () => {
  it('uses the paper values (§4) per dataset', () => {
    expect(NORMALIZATION.cifar10).toEqual({
      mean: [125.307, 122.95, 113.865],
      std: [62.993, 62.089, 66.705],
    });
    expect(NORMALIZATION.cifar100).toEqual({
      mean: [129.304, 124.07, 112.434],
      std: [68.17, 65.392, 70.418],
    });
    expect(NORMALIZATION.svhn).toEqual({
      mean: [111.609, 113.161, 120.565],
      std: [50.498, 51.259, 50.244],
    });
    expect(NORMALIZATION.imagenet).toEqual({
      mean: [123.37, 112.757, 99.406],
      std: [68.998, 66.093, 68.292],
    });
  });

  it('normalizes per channel', () => {
    const img: FloatImage = { data: Float32Array.of(10, 20, 30, 40), shape: [2, 1, 2] };
    const out = normalize({ mean: [10, 20], std: [10, 5] })(img, createRng(0));
    expect([...out.data]).toEqual([0, 1, 2, 4]);
  });

  it('pad-crop shifts the window and fills the border per channel', () => {
    const img = ramp(2, 3, 3);
    // int draws are offsets in [0, 2*pad]: 0 means dx = -pad (window moves left/up).
    const out = padCrop({ pad: 1, fill: [-1, -2] })(img, fixed([0, 2]));
    // dx = -1, dy = +1: out(y, x) = in(y + 1, x - 1).
    expect([...out.data.subarray(0, 9)]).toEqual([-1, 3, 4, -1, 6, 7, -1, -1, -1]);
    expect([...out.data.subarray(9, 18)]).toEqual([-2, 12, 13, -2, 15, 16, -2, -2, -2]);
    const same = padCrop({ pad: 4 })(ramp(1, 32, 32), fixed([4, 4]));
    expect([...same.data]).toEqual([...ramp(1, 32, 32).data]);
  });

  it('flips horizontally when drawn', () => {
    expect([...horizontalFlip()(ramp(1, 2, 3), fixed([], [0.1])).data]).toEqual([2, 1, 0, 5, 4, 3]);
    expect([...horizontalFlip()(ramp(1, 2, 3), fixed([], [0.9])).data]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('CIFAR training preset is seeded: same seed, same result', () => {
    const t = trainTransforms('cifar10');
    const a = t(ramp(3, 32, 32), createRng(9));
    const b = t(ramp(3, 32, 32), createRng(9));
    expect(a.data).toEqual(b.data);
    expect(a.shape).toEqual([3, 32, 32]);
  });

  it('plans ImageNet crops inside the resized image', () => {
    for (let seed = 0; seed < 200; seed++) {
      const g = planCrop(scaleAspectCrop(), 500, 375, seed);
      const short = Math.min(g.resizeWidth, g.resizeHeight);
      expect(short).toBeGreaterThanOrEqual(224);
      expect(short).toBeLessThanOrEqual(Math.round(480 * Math.sqrt(1.25)) + 1);
      expect(g.left + 224).toBeLessThanOrEqual(g.resizeWidth);
      expect(g.top + 224).toBeLessThanOrEqual(g.resizeHeight);
      expect(planCrop(scaleAspectCrop(), 500, 375, seed)).toEqual(g);
    }
    expect(planCrop(centerCrop(), 500, 375, 0)).toEqual({
      resizeWidth: 341,
      resizeHeight: 256,
      left: 58,
      top: 16,
      size: 224,
      flip: false,
      hsl: null,
    });
  });
});
