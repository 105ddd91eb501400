/**
 * OpenCV's 8-bit RGB ↔ HLS conversions (`cv::COLOR_RGB2HLS` / `COLOR_HLS2RGB` on `CV_8U`), the
 * colour space MXNet's default ImageNet augmenter jitters in. OpenCV scales bytes to [0, 1] and
 * computes in single precision, then rounds half to even (`saturate_cast<uchar>`); every step
 * here is rounded to float32 with `Math.fround` so the bytes match OpenCV's, not a float64
 * textbook conversion that differs by one level at rounding ties. H is in half-degrees,
 * [0, 180] (180 can come out of rounding and means the same hue as 0); L and S are in [0, 255].
 *
 * The jitter converts every pixel twice, so whatever depends on two bytes only is tabulated
 * once (64 K entries per table, built on first use): L, S and 60/(max−min) by the largest and
 * smallest of R, G, B, and the two outer channels of the way back by (L, S). Only the hue and
 * the middle channel are computed per pixel. Pixels are packed into one integer
 * (`h | l << 8 | s << 16`, and `r | g << 8 | b << 16`) so the per-pixel loop allocates nothing.
 */

const f32 = Math.fround;

/** Byte → [0, 1] as OpenCV computes it: `v * (1.f/255.f)` in float32. */
const UNIT = (() => {
  const inv = f32(1 / 255);
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = v * inv;
  return t;
})();

/** `hrange * (1.f/360.f)` and `6.f / hrange` for hrange = 180 (the non-FULL 8-bit variant). */
const HUE_TO_BYTE = f32(180 * f32(1 / 360));
const HUE_TO_SECTOR = f32(6 / 180);

/**
 * `cvRound` for values ≥ -0.5: nearest, ties to even (the SSE2 default rounding). `| 0` is the
 * floor there and keeps V8 on small integers in the per-pixel loop.
 */
function roundEven(x: number): number {
  const n = (x + 0.5) | 0;
  return n - x === 0.5 && (n & 1) === 1 ? n - 1 : n;
}

/** `saturate_cast<uchar>(v * 255.f)`: float32 rounding can step a hair outside [0, 1]. */
function toByte(v: number): number {
  return Math.max(0, Math.min(255, roundEven(f32(v * 255))));
}

interface Tables {
  /** By `max << 8 | min` of R, G, B: the L and S bytes and `60.f / (max - min)`. */
  readonly light: Uint8Array;
  readonly sat: Uint8Array;
  readonly hueScale: Float32Array;
  /** By `L << 8 | S`: OpenCV's p1 (`min`) and p2 − p1 (`span`), and both outer channel bytes. */
  readonly p1: Float32Array;
  readonly span: Float32Array;
  readonly hiByte: Uint8Array;
  readonly loByte: Uint8Array;
}

let cached: Tables | undefined;

function buildTables(): Tables {
  const n = 256 * 256;
  const t: Tables = {
    light: new Uint8Array(n),
    sat: new Uint8Array(n),
    hueScale: new Float32Array(n),
    p1: new Float32Array(n),
    span: new Float32Array(n),
    hiByte: new Uint8Array(n),
    loByte: new Uint8Array(n),
  };
  for (let hi = 0; hi < 256; hi++) {
    for (let lo = 0; lo <= hi; lo++) {
      const i = (hi << 8) | lo;
      const vmax = UNIT[hi]!;
      const vmin = UNIT[lo]!;
      const diff = f32(vmax - vmin);
      const sum = f32(vmax + vmin);
      const l = sum * 0.5;
      t.light[i] = roundEven(f32(l * 255));
      // Distinct bytes differ by at least 1/255, far above OpenCV's FLT_EPSILON test.
      if (hi === lo) continue;
      const s = l < 0.5 ? f32(diff / sum) : f32(diff / f32(f32(2 - vmax) - vmin));
      t.sat[i] = roundEven(f32(s * 255));
      t.hueScale[i] = f32(60 / diff);
    }
  }
  for (let light = 0; light < 256; light++) {
    for (let sat = 0; sat < 256; sat++) {
      const i = (light << 8) | sat;
      const l = UNIT[light]!;
      const s = UNIT[sat]!;
      // With s = 0 this gives p2 = p1 = l, OpenCV's grey case, without a branch per pixel.
      const p2 = l <= 0.5 ? f32(l * f32(1 + s)) : f32(f32(l + s) - f32(l * s));
      const p1 = f32(f32(2 * l) - p2);
      t.p1[i] = p1;
      t.span[i] = f32(p2 - p1);
      t.hiByte[i] = toByte(p2);
      t.loByte[i] = toByte(p1);
    }
  }
  return t;
}

function tables(): Tables {
  cached ??= buildTables();
  return cached;
}

/** RGB bytes → packed OpenCV 8-bit HLS, `h | l << 8 | s << 16`. */
export function rgbToHls8(red: number, green: number, blue: number): number {
  const t = cached ?? tables();
  let hi = red;
  let lo = red;
  if (green > hi) hi = green;
  if (blue > hi) hi = blue;
  if (green < lo) lo = green;
  if (blue < lo) lo = blue;
  const i = (hi << 8) | lo;
  const ls = (t.light[i]! << 8) | (t.sat[i]! << 16);
  if (hi === lo) return ls;
  const k = t.hueScale[i]!;
  const r = UNIT[red]!;
  const g = UNIT[green]!;
  const b = UNIT[blue]!;
  // OpenCV tests r first, then g: on ties this picks the same formula it does.
  let h: number;
  if (hi === red) h = f32(f32(g - b) * k);
  else if (hi === green) h = f32(f32(f32(b - r) * k) + 120);
  else h = f32(f32(f32(r - g) * k) + 240);
  if (h < 0) h = f32(h + 360);
  return roundEven(f32(h * HUE_TO_BYTE)) | ls;
}

/**
 * Bit offsets of the largest, middle and smallest channel per hue sector (OpenCV's
 * `sector_data`), R at 0, G at 8, B at 16.
 */
const HI_SHIFT = Int32Array.of(0, 8, 8, 16, 16, 0);
const MID_SHIFT = Int32Array.of(8, 0, 16, 8, 0, 16);
const LO_SHIFT = Int32Array.of(16, 16, 0, 0, 8, 8);

/** OpenCV 8-bit HLS (H 0–180, L, S 0–255) → packed RGB bytes, `r | g << 8 | b << 16`. */
export function hlsToRgb8(hue: number, light: number, sat: number): number {
  const t = cached ?? tables();
  const i = (light << 8) | sat;
  let h = f32(hue * HUE_TO_SECTOR);
  while (h >= 6) h = f32(h - 6);
  const sector = h | 0; // floor: h ≥ 0
  const frac = f32(h - sector);
  // The middle channel rises through even sectors and falls through odd ones.
  const w = (sector & 1) === 0 ? frac : f32(1 - frac);
  const mid = toByte(f32(t.p1[i]! + f32(t.span[i]! * w)));
  return (
    (t.hiByte[i]! << HI_SHIFT[sector]!) |
    (mid << MID_SHIFT[sector]!) |
    (t.loByte[i]! << LO_SHIFT[sector]!)
  );
}
