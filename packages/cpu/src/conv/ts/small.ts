import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import { validCols } from './im2col.js';

// Direct convolution for groups of few channels in plain TypeScript (no wasm threads): one row
// update per (output channel, input channel, tap, output row). With K = 18 or 9 an im2col matrix
// plus GEMM packing costs several times the arithmetic; these loops do none of it.

/** Sizes shared by the three passes, and the valid column range of each kx. */
function dims(s: Conv2DGeometry) {
  const cinG = s.cin / s.groups;
  return {
    cinG,
    coutG: s.cout / s.groups,
    kk: s.kh * s.kw,
    hw: s.h * s.w,
    ohw: s.outH * s.outW,
    cols: colRanges(s),
  };
}

/**
 * For each kx: the output columns [oxa, oxb) whose input column lies in the image, and that
 * column's offset at ox = 0 (kx·dw − pl), three numbers per kx.
 */
function colRanges(s: Conv2DGeometry): Int32Array {
  const out = new Int32Array(3 * s.kw);
  for (let kx = 0; kx < s.kw; kx++) {
    const off = kx * s.dilationW - s.padLeft;
    const [oxa, oxb] = validCols(off, s.strideW, s.w, s.outW);
    out.set([oxa, oxb, off], 3 * kx);
  }
  return out;
}

/** y = conv(x, w) + bias (y overwritten). */
export function smallForwardTs(
  s: Conv2DGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
): void {
  const { cinG, coutG, kk, hw, ohw, cols } = dims(s);
  const { h, w: wd, kh, kw, outH, outW, strideH: sh, strideW: sw, padTop: pt } = s;
  const dh = s.dilationH;
  for (let n = 0; n < s.n; n++) {
    for (let co = 0; co < s.cout; co++) {
      const yo = (n * s.cout + co) * ohw;
      const xg = (n * s.cin + Math.floor(co / coutG) * cinG) * hw;
      y.fill(bias ? bias[co]! : 0, yo, yo + ohw);
      for (let ci = 0; ci < cinG; ci++) {
        const xc = xg + ci * hw;
        const wc = (co * cinG + ci) * kk;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const oxa = cols[3 * kx]!;
            const oxb = cols[3 * kx + 1]!;
            const wv = w[wc + ky * kw + kx]!;
            for (let oy = 0; oy < outH; oy++) {
              const iy = oy * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              const xr = xc + iy * wd + cols[3 * kx + 2]!;
              const yr = yo + oy * outW;
              for (let ox = oxa; ox < oxb; ox++) y[yr + ox] = y[yr + ox]! + wv * x[xr + ox * sw]!;
            }
          }
        }
      }
    }
  }
}

/** dx for dy (dx overwritten): each tap's row scattered back along the stride. */
export function smallInputTs(
  s: Conv2DGeometry,
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
): void {
  const { cinG, coutG, kk, hw, ohw, cols } = dims(s);
  const { h, w: wd, kh, kw, outH, outW, strideH: sh, strideW: sw, padTop: pt } = s;
  const dh = s.dilationH;
  dx.fill(0, 0, s.n * s.cin * hw);
  for (let n = 0; n < s.n; n++) {
    for (let co = 0; co < s.cout; co++) {
      const dyo = (n * s.cout + co) * ohw;
      const xg = (n * s.cin + Math.floor(co / coutG) * cinG) * hw;
      for (let ci = 0; ci < cinG; ci++) {
        const xc = xg + ci * hw;
        const wc = (co * cinG + ci) * kk;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const oxa = cols[3 * kx]!;
            const oxb = cols[3 * kx + 1]!;
            const wv = w[wc + ky * kw + kx]!;
            for (let oy = 0; oy < outH; oy++) {
              const iy = oy * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              const xr = xc + iy * wd + cols[3 * kx + 2]!;
              const dr = dyo + oy * outW;
              for (let ox = oxa; ox < oxb; ox++) {
                dx[xr + ox * sw] = dx[xr + ox * sw]! + wv * dy[dr + ox]!;
              }
            }
          }
        }
      }
    }
  }
}

/** dw for x and dy (dw overwritten), summed in a fixed order. */
export function smallFilterTs(
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
): void {
  const { cinG, coutG, kk, hw, ohw, cols } = dims(s);
  const { h, w: wd, kh, kw, outH, outW, strideH: sh, strideW: sw, padTop: pt } = s;
  const dh = s.dilationH;
  dw.fill(0, 0, s.cout * cinG * kk);
  for (let n = 0; n < s.n; n++) {
    for (let co = 0; co < s.cout; co++) {
      const dyo = (n * s.cout + co) * ohw;
      const xg = (n * s.cin + Math.floor(co / coutG) * cinG) * hw;
      for (let ci = 0; ci < cinG; ci++) {
        const xc = xg + ci * hw;
        const wc = (co * cinG + ci) * kk;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const oxa = cols[3 * kx]!;
            const oxb = cols[3 * kx + 1]!;
            let acc = 0;
            for (let oy = 0; oy < outH; oy++) {
              const iy = oy * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              const xr = xc + iy * wd + cols[3 * kx + 2]!;
              const dr = dyo + oy * outW;
              for (let ox = oxa; ox < oxb; ox++) acc += dy[dr + ox]! * x[xr + ox * sw]!;
            }
            dw[wc + ky * kw + kx] = dw[wc + ky * kw + kx]! + acc;
          }
        }
      }
    }
  }
}
