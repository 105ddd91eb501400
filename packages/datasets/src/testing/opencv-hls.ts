/**
 * A line-by-line transcription of OpenCV's scalar `RGB2HLS_f`/`RGB2HLS_b` and
 * `HLS2RGB_f`/`HLS2RGB_b` (imgproc/src/color_hsv), float32 rounding after each operation: the
 * slow reference that the tabulated `hls8.ts` must equal byte for byte. Tests only.
 */

const f32 = Math.fround;

const UNIT = (() => {
  const inv = f32(1 / 255);
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = v * inv;
  return t;
})();

/** `hrange * (1.f/360.f)` and `6.f / hrange` for hrange = 180 (the non-FULL 8-bit variant). */
const HUE_TO_BYTE = f32(180 * f32(1 / 360));
const HUE_TO_SECTOR = f32(6 / 180);

/** `FLT_EPSILON`: OpenCV treats smaller chroma as grey. */
const FLT_EPSILON = 2 ** -23;

/** `cvRound` for non-negative values: nearest, ties to even (the SSE2 default rounding). */
function roundEven(x: number): number {
  const n = Math.floor(x + 0.5);
  return n - x === 0.5 && (n & 1) === 1 ? n - 1 : n;
}

/** `saturate_cast<uchar>(v * 255.f)`: float32 rounding can step a hair outside [0, 1]. */
function toByte(v: number): number {
  return Math.max(0, Math.min(255, roundEven(f32(v * 255))));
}

/** RGB bytes → packed OpenCV 8-bit HLS, `h | l << 8 | s << 16`. */
export function literalRgbToHls8(red: number, green: number, blue: number): number {
  const r = UNIT[red]!;
  const g = UNIT[green]!;
  const b = UNIT[blue]!;
  const vmax = Math.max(r, g, b);
  const vmin = Math.min(r, g, b);
  const diff = f32(vmax - vmin);
  const sum = f32(vmax + vmin);
  const l = sum * 0.5;
  let h = 0;
  let s = 0;
  if (diff > FLT_EPSILON) {
    s = l < 0.5 ? f32(diff / sum) : f32(diff / f32(f32(2 - vmax) - vmin));
    const k = f32(60 / diff);
    // OpenCV tests r first, then g: for ties this picks the same sector it does.
    if (vmax === r) h = f32(f32(g - b) * k);
    else if (vmax === g) h = f32(f32(f32(b - r) * k) + 120);
    else h = f32(f32(f32(r - g) * k) + 240);
    if (h < 0) h = f32(h + 360);
  }
  const hb = roundEven(f32(h * HUE_TO_BYTE));
  const lb = roundEven(f32(l * 255));
  const sb = roundEven(f32(s * 255));
  return hb | (lb << 8) | (sb << 16);
}

/** OpenCV 8-bit HLS (H 0–180, L, S 0–255) → packed RGB bytes, `r | g << 8 | b << 16`. */
export function literalHlsToRgb8(hue: number, light: number, sat: number): number {
  const l = UNIT[light]!;
  const s = UNIT[sat]!;
  if (s === 0) {
    const v = toByte(l);
    return v | (v << 8) | (v << 16);
  }
  const p2 = l <= 0.5 ? f32(l * f32(1 + s)) : f32(f32(l + s) - f32(l * s));
  const p1 = f32(f32(2 * l) - p2);
  let h = f32(hue * HUE_TO_SECTOR);
  while (h >= 6) h = f32(h - 6);
  const sector = Math.floor(h);
  h = f32(h - sector);
  const span = f32(p2 - p1);
  const fall = f32(p1 + f32(span * f32(1 - h)));
  const rise = f32(p1 + f32(span * h));
  // OpenCV's sector_data table {tab index of b, g, r} with tab = [p2, p1, fall, rise].
  let r: number;
  let g: number;
  let b: number;
  switch (sector) {
    case 0:
      r = p2;
      g = rise;
      b = p1;
      break;
    case 1:
      r = fall;
      g = p2;
      b = p1;
      break;
    case 2:
      r = p1;
      g = p2;
      b = rise;
      break;
    case 3:
      r = p1;
      g = fall;
      b = p2;
      break;
    case 4:
      r = rise;
      g = p1;
      b = p2;
      break;
    default:
      r = p2;
      g = p1;
      b = fall;
  }
  return toByte(r) | (toByte(g) << 8) | (toByte(b) << 16);
}
