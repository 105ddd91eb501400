import type { Rng } from '../random/prng.js';
import { hlsToRgb8, rgbToHls8 } from './hls8.js';

/**
 * Half-widths of the ImageNet colour jitter (paper §4.2; MXNet `random_h`, `random_s`,
 * `random_l`), in OpenCV 8-bit HLS units: `h` in half-degrees (H spans 0–180), `s` and `l` in
 * levels of 0–255.
 */
export interface HslJitterRange {
  readonly h: number;
  readonly s: number;
  readonly l: number;
}

/** The paper's ranges, MXNet's `random_h=36, random_s=50, random_l=50`: H ±36, S ±50, L ±50. */
export const PAPER_HSL_JITTER: HslJitterRange = Object.freeze({ h: 36, s: 50, l: 50 });

/** One image's integer offsets, added to every pixel's H, L and S. */
export interface HslOffsets {
  readonly h: number;
  readonly l: number;
  readonly s: number;
}

/** Throws a `RangeError` unless every half-width is a finite number ≥ 0. */
export function checkHslJitterRange(range: HslJitterRange): void {
  for (const key of ['h', 's', 'l'] as const) {
    const v = range[key];
    if (!Number.isFinite(v) || v < 0) {
      throw new RangeError(`hslJitter.${key} must be a finite number >= 0, got ${v}`);
    }
  }
}

/**
 * Draws one image's offsets as MXNet does: three floats in the order h, s, l, each
 * `u * 2r - r` for u uniform in [0, 1), truncated towards zero (C++ `int x = float`). Returns
 * `null`, drawing nothing, when every range is 0: MXNet then skips the colour conversion, whose
 * round trip is not lossless.
 */
export function drawHslOffsets(range: HslJitterRange, rng: Rng): HslOffsets | null {
  if (range.h === 0 && range.s === 0 && range.l === 0) return null;
  const h = Math.trunc(rng.float() * range.h * 2 - range.h);
  const s = Math.trunc(rng.float() * range.s * 2 - range.s);
  const l = Math.trunc(rng.float() * range.l * 2 - range.l);
  // `+ 0` turns a truncated -0 into 0, so plans compare and serialise cleanly.
  return { h: h + 0, l: l + 0, s: s + 0 };
}

/**
 * Applies HSL offsets in place to interleaved 8-bit RGB (`stride` bytes per pixel, RGB first),
 * as MXNet's default augmenter does: RGB → OpenCV 8-bit HLS, add, clamp, HLS → RGB. H is
 * clamped to [0, 180] rather than wrapped around the hue circle: MXNet clamps every channel
 * alike, so a red pushed past 180 stays red instead of turning orange, and we keep that to
 * train on the paper's distribution.
 */
export function applyHslJitter(rgb: Uint8Array, offsets: HslOffsets, stride = 3): void {
  const dh = offsets.h;
  const dl = offsets.l;
  const ds = offsets.s;
  const end = rgb.length - stride + 1;
  for (let i = 0; i < end; i += stride) {
    const hls = rgbToHls8(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    const h = Math.max(0, Math.min(180, (hls & 0xff) + dh));
    const l = Math.max(0, Math.min(255, ((hls >>> 8) & 0xff) + dl));
    const s = Math.max(0, Math.min(255, (hls >>> 16) + ds));
    const out = hlsToRgb8(h, l, s);
    rgb[i] = out;
    rgb[i + 1] = out >>> 8;
    rgb[i + 2] = out >>> 16;
  }
}
