import type { Transform } from './transform.js';

/** Options for {@link padCrop}. */
export interface PadCropOptions {
  /** Pixels added on every side; default 4. */
  pad?: number;
  /** Fill value per channel (or one for all), in the image's current units; default 0. */
  fill?: number | readonly number[];
}

/**
 * Pads by `pad` pixels per side and cuts a random window of the original size (the CIFAR
 * augmentation of paper §4.1). Draws two integers: x offset, then y offset.
 */
export function padCrop(options: PadCropOptions = {}): Transform {
  const pad = options.pad ?? 4;
  return (img, rng) => {
    const [c, h, w] = img.shape;
    const fill =
      typeof options.fill === 'number'
        ? new Array<number>(c).fill(options.fill)
        : (options.fill ?? []);
    const dx = rng.int(2 * pad + 1) - pad;
    const dy = rng.int(2 * pad + 1) - pad;
    const out = new Float32Array(c * h * w);
    const src = img.data;
    for (let ch = 0; ch < c; ch++) {
      const base = ch * h * w;
      const f = fill[ch] ?? 0;
      for (let y = 0; y < h; y++) {
        const sy = y + dy;
        const row = base + y * w;
        if (sy < 0 || sy >= h) {
          out.fill(f, row, row + w);
          continue;
        }
        const srow = base + sy * w;
        // Source columns x+dx that fall inside the image; the rest is padding.
        const x0 = Math.max(0, -dx);
        const x1 = Math.min(w, w - dx);
        if (x0 > 0) out.fill(f, row, row + x0);
        out.set(src.subarray(srow + x0 + dx, srow + x1 + dx), row + x0);
        if (x1 < w) out.fill(f, row + x1, row + w);
      }
    }
    return { data: out, shape: img.shape };
  };
}

/** Mirrors left–right with probability `p` (default 1/2); draws one float. */
export function horizontalFlip(p = 0.5): Transform {
  return (img, rng) => {
    if (rng.float() >= p) return img;
    const [c, h, w] = img.shape;
    const d = img.data;
    for (let r = 0; r < c * h; r++) {
      const row = r * w;
      for (let a = row, b = row + w - 1; a < b; a++, b--) {
        const t = d[a]!;
        d[a] = d[b]!;
        d[b] = t;
      }
    }
    return img;
  };
}
