import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLoader } from '../loader/data-loader.js';
import { decodeAndCrop } from '../loader/jpeg-decode.js';
import { JpegPool } from '../loader/jpeg-pool.js';
import { createRng, deriveSeed } from '../random/prng.js';
import { readImageNet } from '../readers/imagenet.js';
import { HAS_SHARED_DATA, SHARED_DATA } from '../testing/fixtures.js';
import { centerCrop, planCrop, scaleAspectCrop } from './crop-plan.js';
import { hlsToRgb8, rgbToHls8 } from './hls8.js';
import { applyHslJitter, drawHslOffsets, PAPER_HSL_JITTER } from './hsl-jitter.js';
import { evalTransforms, trainTransforms } from './presets.js';

const pool = new JpegPool({ size: 2 });
afterAll(() => pool.close());

/** Interleaved RGB bytes of `n` pixels of one colour. */
const solid = (n: number, r: number, g: number, b: number) =>
  Uint8Array.from({ length: 3 * n }, (_, i) => [r, g, b][i % 3]!);

/** The RGB of OpenCV 8-bit HLS (h, l, s), as a 3-byte array. */
const fromHls = (h: number, l: number, s: number) => {
  const p = hlsToRgb8(h, l, s);
  return [p & 0xff, (p >>> 8) & 0xff, p >>> 16];
};

/** CHW planes → interleaved HWC, the layout `applyHslJitter` works on. */
function interleave(chw: Uint8Array): Uint8Array {
  const n = chw.length / 3;
  const out = new Uint8Array(chw.length);
  for (let i = 0; i < n; i++) {
    out[3 * i] = chw[i]!;
    out[3 * i + 1] = chw[n + i]!;
    out[3 * i + 2] = chw[2 * n + i]!;
  }
  return out;
}

describe('HSL jitter', () => {
  it('with zero offsets is the 8-bit round trip, a few levels from the input', () => {
    const rng = createRng(3);
    const img = Uint8Array.from({ length: 3 * 5000 }, () => rng.int(256));
    const out = img.slice();
    applyHslJitter(out, { h: 0, l: 0, s: 0 });
    for (let i = 0; i < img.length; i += 3) {
      const hls = rgbToHls8(img[i]!, img[i + 1]!, img[i + 2]!);
      const back = fromHls(hls & 0xff, (hls >>> 8) & 0xff, hls >>> 16);
      expect([out[i], out[i + 1], out[i + 2]]).toEqual(back);
      for (let c = 0; c < 3; c++)
        expect(Math.abs(out[i + c]! - img[i + c]!)).toBeLessThanOrEqual(5);
    }
  });

  it('clamps L and S to [0, 255]: white stays white, black stays black', () => {
    const white = solid(4, 255, 255, 255);
    applyHslJitter(white, { h: 36, l: 50, s: 50 });
    expect([...white]).toEqual([...solid(4, 255, 255, 255)]);
    const black = solid(4, 0, 0, 0);
    applyHslJitter(black, { h: -36, l: -50, s: -50 });
    expect([...black]).toEqual([...solid(4, 0, 0, 0)]);
    // A fully saturated red stays fully saturated; L shifts by exactly the offset.
    const red = solid(1, 255, 0, 0);
    applyHslJitter(red, { h: 0, l: -50, s: 50 });
    expect([...red]).toEqual(fromHls(0, 78, 255));
  });

  it('clamps H at 180 and 0 instead of wrapping round the hue circle', () => {
    const [r, g, b] = fromHls(170, 128, 255);
    const up = solid(1, r!, g!, b!);
    applyHslJitter(up, { h: 36, l: 0, s: 0 });
    expect([...up]).toEqual(fromHls(180, 128, 255)); // red; wrapping would give H 26, orange
    expect([...up]).not.toEqual(fromHls(26, 128, 255));
    const [r2, g2, b2] = fromHls(10, 128, 255);
    const down = solid(1, r2!, g2!, b2!);
    applyHslJitter(down, { h: -36, l: 0, s: 0 });
    expect([...down]).toEqual(fromHls(0, 128, 255)); // wrapping would give H 154, magenta
  });

  it('draws integer offsets within the ranges, truncated towards zero, in the order h, s, l', () => {
    const seen = { h: new Set<number>(), s: new Set<number>(), l: new Set<number>() };
    for (let seed = 0; seed < 2000; seed++) {
      const o = drawHslOffsets(PAPER_HSL_JITTER, createRng(seed))!;
      for (const k of ['h', 's', 'l'] as const) {
        expect(Number.isInteger(o[k])).toBe(true);
        expect(Math.abs(o[k])).toBeLessThanOrEqual(PAPER_HSL_JITTER[k]);
        seen[k].add(o[k]);
      }
      const u = createRng(seed);
      expect(o.h).toBe(Math.trunc(u.float() * 72 - 36) + 0);
      expect(o.s).toBe(Math.trunc(u.float() * 100 - 50) + 0);
      expect(o.l).toBe(Math.trunc(u.float() * 100 - 50) + 0);
    }
    // Truncation towards zero makes 0 twice as likely as its neighbours; every value occurs.
    expect(seen.h.size).toBeGreaterThanOrEqual(71);
    expect(seen.l.size).toBeGreaterThanOrEqual(99);
    expect(drawHslOffsets({ h: 0, s: 0, l: 0 }, createRng(1))).toBeNull();
    expect(() => scaleAspectCrop({ hslJitter: { h: -1, s: 0, l: 0 } })).toThrow(RangeError);
  });

  it('is drawn after the crop: turning it off moves no crop', () => {
    const off = scaleAspectCrop({ hslJitter: false });
    for (let seed = 0; seed < 100; seed++) {
      const withJitter = planCrop(scaleAspectCrop(), 500, 375, seed);
      const without = planCrop(off, 500, 375, seed);
      expect(without.hsl).toBeNull();
      expect(withJitter.hsl).not.toBeNull();
      expect({ ...withJitter, hsl: null }).toEqual(without);
    }
    expect(planCrop(centerCrop(), 500, 375, 7).hsl).toBeNull();
  });

  it('depends only on (seed, epoch, index): same triple, same offsets; other index, other offsets', () => {
    const plan = scaleAspectCrop();
    const at = (index: number) => planCrop(plan, 500, 375, deriveSeed(1, 4, index)).hsl;
    expect(at(17)).toEqual(at(17));
    const distinct = new Set(Array.from({ length: 50 }, (_, i) => JSON.stringify(at(i))));
    expect(distinct.size).toBeGreaterThan(45);
  });
});

describe.skipIf(!HAS_SHARED_DATA)(
  `HSL jitter on real ImageNet JPEGs (../shared/data${HAS_SHARED_DATA ? '' : ' is absent: skipped'})`,
  () => {
    const dir = join(SHARED_DATA, 'imagenet-sample');

    it('jitters the train crop in the workers, byte-exact and seeded', async () => {
      const ds = await readImageNet(dir, { split: 'val', crop: scaleAspectCrop(), pool });
      const file = ds.files[0]!;
      const a = await ds.get(0, { seed: 11 });
      const b = await ds.get(0, { seed: 11 });
      expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
      // The worker's bytes = the unjittered crop, then the planned offsets on the main thread.
      const plain = await decodeAndCrop(file, scaleAspectCrop({ hslJitter: false }), 11);
      const meta = await import('sharp').then((m) => m.default(file).metadata());
      const g = planCrop(ds.crop, meta.width!, meta.height!, 11);
      expect(g.hsl).not.toBeNull();
      const expected = interleave(plain.data);
      applyHslJitter(expected, g.hsl!);
      expect(Buffer.from(interleave(a.image)).equals(Buffer.from(expected))).toBe(true);
      expect(Buffer.from(a.image).equals(Buffer.from(plain.data))).toBe(false);
    });

    it('runs the train pipeline with jitter and the test pipeline without', async () => {
      const train = await readImageNet(dir, { split: 'val', crop: scaleAspectCrop(), pool });
      const test = await readImageNet(dir, { split: 'val', pool });
      expect(test.crop.kind).toBe('center');
      const first = async (loader: DataLoader) => {
        for await (const batch of loader.epoch(0)) return batch;
        throw new Error('empty loader');
      };
      const trainBatch = await first(
        new DataLoader(train, { batchSize: 4, seed: 2, transform: trainTransforms('imagenet') }),
      );
      expect(trainBatch.shape).toEqual([4, 3, 224, 224]);
      expect(trainBatch.images.every(Number.isFinite)).toBe(true);
      // Test-time decoding has no randomness at all, colour included.
      const x = await test.get(3, { seed: 1 });
      const y = await test.get(3, { seed: 99 });
      expect(Buffer.from(x.image).equals(Buffer.from(y.image))).toBe(true);
      const testBatch = await first(
        new DataLoader(test, { batchSize: 4, seed: 2, transform: evalTransforms('imagenet') }),
      );
      expect(testBatch.shape).toEqual([4, 3, 224, 224]);
    });
  },
);
