import { describe, expect, it } from 'vitest';
import { literalHlsToRgb8, literalRgbToHls8 } from '../testing/opencv-hls.js';
import { hlsToRgb8, rgbToHls8 } from './hls8.js';

const unpack = (p: number): [number, number, number] => [p & 0xff, (p >>> 8) & 0xff, p >>> 16];

/**
 * Generated offline with Python's colorsys, scaled to OpenCV's 8-bit ranges:
 * `h, l, s = colorsys.rgb_to_hls(r/255, g/255, b/255)` → `[r, g, b, round(h*180), round(l*255),
 * round(s*255)]`. colorsys is float64 and rounds differently, so these hold to ±1 level.
 */
const RGB_TO_HLS: readonly (readonly number[])[] = [
  [255, 0, 0, 0, 128, 255],
  [0, 255, 0, 60, 128, 255],
  [0, 0, 255, 120, 128, 255],
  [255, 255, 0, 30, 128, 255],
  [0, 255, 255, 90, 128, 255],
  [255, 0, 255, 150, 128, 255],
  [255, 255, 255, 0, 255, 0],
  [0, 0, 0, 0, 0, 0],
  [128, 128, 128, 0, 128, 0],
  [1, 2, 3, 105, 2, 128],
  [200, 100, 50, 10, 125, 153],
  [12, 200, 180, 87, 106, 226],
  [90, 10, 240, 130, 125, 235],
  [250, 250, 249, 30, 250, 23],
  [5, 0, 0, 0, 2, 255],
  [165, 77, 202, 141, 139, 138],
  [24, 37, 48, 104, 36, 85],
  [187, 29, 109, 165, 108, 187],
  [19, 44, 222, 116, 120, 215],
  [214, 35, 123, 165, 125, 183],
  [46, 217, 30, 57, 124, 193],
  [63, 114, 31, 48, 72, 146],
  [203, 25, 113, 165, 114, 199],
  [23, 68, 148, 109, 86, 186],
  [214, 73, 60, 3, 137, 166],
  [157, 92, 52, 11, 104, 128],
  [96, 190, 49, 50, 120, 150],
  [32, 30, 105, 121, 68, 142],
  [254, 218, 160, 19, 207, 250],
  [238, 232, 185, 27, 211, 155],
  [153, 127, 92, 17, 122, 63],
  [124, 41, 153, 142, 97, 147],
];

/**
 * Generated offline the same way: `r, g, b = colorsys.hls_to_rgb((H/180) % 1, L/255, S/255)` →
 * `[H, L, S, round(r*255), round(g*255), round(b*255)]`.
 */
const HLS_TO_RGB: readonly (readonly number[])[] = [
  [0, 128, 255, 255, 1, 1],
  [60, 128, 255, 1, 255, 1],
  [120, 128, 255, 1, 1, 255],
  [180, 128, 255, 255, 1, 1],
  [90, 64, 200, 14, 114, 114],
  [30, 200, 100, 222, 222, 178],
  [0, 255, 0, 255, 255, 255],
  [0, 0, 255, 0, 0, 0],
  [45, 100, 0, 100, 100, 100],
  [115, 238, 231, 223, 228, 253],
  [130, 97, 94, 85, 61, 133],
  [131, 243, 95, 242, 239, 247],
  [24, 228, 155, 244, 238, 212],
  [36, 46, 21, 48, 50, 42],
  [152, 202, 231, 250, 154, 244],
  [167, 80, 7, 82, 78, 80],
  [135, 32, 30, 32, 28, 36],
  [9, 97, 123, 144, 78, 50],
  [153, 15, 237, 29, 1, 26],
  [83, 225, 100, 213, 237, 231],
  [132, 119, 150, 105, 49, 189],
  [127, 2, 43, 2, 2, 2],
  [117, 142, 208, 50, 68, 234],
  [141, 42, 130, 51, 21, 63],
];

/** OpenCV's documented RGB→HLS equations (cvtColor docs), in float64, scaled for 8 bits. */
function referenceHls(r8: number, g8: number, b8: number): [number, number, number] {
  const [r, g, b] = [r8 / 255, g8 / 255, b8 / 255];
  const vmax = Math.max(r, g, b);
  const vmin = Math.min(r, g, b);
  const l = (vmax + vmin) / 2;
  const d = vmax - vmin;
  if (d === 0) return [0, l * 255, 0];
  const s = l < 0.5 ? d / (vmax + vmin) : d / (2 - (vmax + vmin));
  let h: number;
  if (vmax === r) h = (60 * (g - b)) / d;
  else if (vmax === g) h = 120 + (60 * (b - r)) / d;
  else h = 240 + (60 * (r - g)) / d;
  if (h < 0) h += 360;
  return [h / 2, l * 255, s * 255];
}

/** Textbook HLS→RGB (Foley & van Dam's hue-to-channel helper), float64, 8-bit scaled. */
function referenceRgb(h8: number, l8: number, s8: number): [number, number, number] {
  const h = (h8 * 2) / 360;
  const l = l8 / 255;
  const s = s8 / 255;
  if (s === 0) return [l * 255, l * 255, l * 255];
  const q = l <= 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t0: number) => {
    const t = t0 - Math.floor(t0);
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return [channel(h + 1 / 3) * 255, channel(h) * 255, channel(h - 1 / 3) * 255];
}

/** Distance on the hue circle of 180 half-degrees: 180 and 0 are the same hue. */
const hueDistance = (a: number, b: number) => {
  const d = Math.abs(a - b) % 180;
  return Math.min(d, 180 - d);
};

const GRID = Array.from({ length: 16 }, (_, i) => i * 17);

describe('OpenCV 8-bit RGB ↔ HLS', () => {
  it('gives the documented values for primaries, white, black and grey', () => {
    expect(unpack(rgbToHls8(255, 0, 0))).toEqual([0, 128, 255]);
    expect(unpack(rgbToHls8(0, 255, 0))).toEqual([60, 128, 255]);
    expect(unpack(rgbToHls8(0, 0, 255))).toEqual([120, 128, 255]);
    expect(unpack(rgbToHls8(255, 255, 255))).toEqual([0, 255, 0]);
    expect(unpack(rgbToHls8(0, 0, 0))).toEqual([0, 0, 0]);
    expect(unpack(rgbToHls8(128, 128, 128))).toEqual([0, 128, 0]);
    // L = 128 is 0.502, a hair above 1/2, so the weakest channel comes back as 1, not 0.
    expect(unpack(hlsToRgb8(0, 128, 255))).toEqual([255, 1, 1]);
    expect(unpack(hlsToRgb8(60, 128, 255))).toEqual([1, 255, 1]);
    expect(unpack(hlsToRgb8(120, 128, 255))).toEqual([1, 1, 255]);
    expect(unpack(hlsToRgb8(0, 255, 0))).toEqual([255, 255, 255]);
    expect(unpack(hlsToRgb8(77, 128, 0))).toEqual([128, 128, 128]);
    // H = 180 comes out of rounding (hue 359.5°+) and is the same hue as 0.
    expect(unpack(hlsToRgb8(180, 128, 255))).toEqual([255, 1, 1]);
    expect(unpack(rgbToHls8(255, 0, 1))).toEqual([180, 128, 255]);
  });

  it('equals the transcription of OpenCV on every RGB colour and every HLS triple', () => {
    let mismatches = 0;
    for (let r = 0; r < 256; r++)
      for (let g = 0; g < 256; g++)
        for (let b = 0; b < 256; b++)
          if (rgbToHls8(r, g, b) !== literalRgbToHls8(r, g, b)) mismatches++;
    for (let h = 0; h <= 180; h++)
      for (let l = 0; l < 256; l++)
        for (let s = 0; s < 256; s++)
          if (hlsToRgb8(h, l, s) !== literalHlsToRgb8(h, l, s)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('agrees with Python colorsys fixtures to one level', () => {
    for (const [r, g, b, h, l, s] of RGB_TO_HLS) {
      const [H, L, S] = unpack(rgbToHls8(r!, g!, b!));
      expect(hueDistance(H, h!), `H of ${[r, g, b]}`).toBeLessThanOrEqual(1);
      expect(Math.abs(L - l!), `L of ${[r, g, b]}`).toBeLessThanOrEqual(1);
      expect(Math.abs(S - s!), `S of ${[r, g, b]}`).toBeLessThanOrEqual(1);
    }
    for (const [h, l, s, ...rgb] of HLS_TO_RGB) {
      const out = unpack(hlsToRgb8(h!, l!, s!));
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(out[c]! - rgb[c]!), `channel ${c} of HLS ${[h, l, s]}`).toBeLessThanOrEqual(
          1,
        );
      }
    }
  });

  it('agrees with a float64 reference to one level on every colour of a 16-level grid', () => {
    for (const r of GRID)
      for (const g of GRID)
        for (const b of GRID) {
          const [H, L, S] = unpack(rgbToHls8(r, g, b));
          const [h, l, s] = referenceHls(r, g, b);
          expect(hueDistance(H, h), `H of ${[r, g, b]}`).toBeLessThanOrEqual(1);
          expect(Math.abs(L - l)).toBeLessThanOrEqual(1);
          expect(Math.abs(S - s)).toBeLessThanOrEqual(1);
        }
  });

  it('converts HLS back to RGB like a float64 reference, on a grid of H, L, S', () => {
    for (let h = 0; h <= 180; h += 6)
      for (const l of GRID)
        for (const s of GRID) {
          const out = unpack(hlsToRgb8(h, l, s));
          const ref = referenceRgb(h, l, s);
          for (let c = 0; c < 3; c++) expect(Math.abs(out[c]! - ref[c]!)).toBeLessThanOrEqual(1);
        }
  });

  it('round-trips RGB → HLS → RGB within a few levels on all 4096 grid colours', () => {
    let worst = 0;
    let sum = 0;
    for (const r of GRID)
      for (const g of GRID)
        for (const b of GRID) {
          const hls = rgbToHls8(r, g, b);
          const back = unpack(hlsToRgb8(hls & 0xff, (hls >>> 8) & 0xff, hls >>> 16));
          for (const [c, v] of [r, g, b].entries()) {
            const e = Math.abs(back[c]! - v);
            worst = Math.max(worst, e);
            sum += e;
          }
        }
    // 8-bit H has 180 steps for 360°, so saturated colours lose up to ~2 levels per channel.
    expect(worst).toBeLessThanOrEqual(4);
    expect(sum / (3 * 4096)).toBeLessThan(1);
  });
});
