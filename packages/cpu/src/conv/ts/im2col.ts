import type { Conv2DGeometry } from '@igcnet/tensor/backend';

/** Output columns [oxa, oxb) whose input column ox·sw + off lies inside [0, w). */
export function validCols(off: number, sw: number, w: number, outW: number): [number, number] {
  let oxa = off >= 0 ? 0 : Math.floor((-off + sw - 1) / sw);
  let oxb = w - off > 0 ? Math.floor((w - off + sw - 1) / sw) : 0;
  if (oxb > outW) oxb = outW;
  if (oxa > oxb) oxa = oxb;
  return [oxa, oxb];
}

/**
 * col[(ci·kh + ky)·kw + kx, oy·outW + ox] = x[xo + ci·h·w + iy·w + ix] for one image and group,
 * zero outside the image (negative padding works: the stride-1 backprop-input transform uses it).
 */
export function im2colTs(
  s: Conv2DGeometry,
  x: Float32Array,
  xo: number,
  cinG: number,
  col: Float32Array,
): void {
  const { h, w, kh, kw, outH, outW, strideH: sh, strideW: sw, padTop: pt } = s;
  let d = 0;
  for (let ci = 0; ci < cinG; ci++) {
    const xc = xo + ci * h * w;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const off = kx * s.dilationW - s.padLeft;
        const [oxa, oxb] = validCols(off, sw, w, outW);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - pt + ky * s.dilationH;
          if (iy < 0 || iy >= h) {
            col.fill(0, d, d + outW);
          } else {
            const row = xc + iy * w + off;
            col.fill(0, d, d + oxa);
            if (sw === 1) col.set(x.subarray(row + oxa, row + oxb), d + oxa);
            else for (let ox = oxa; ox < oxb; ox++) col[d + ox] = x[row + ox * sw]!;
            col.fill(0, d + oxb, d + outW);
          }
          d += outW;
        }
      }
    }
  }
}

/** The adjoint of im2colTs: dx[...] += col[...] for every window position that reads it. */
export function col2imAddTs(
  s: Conv2DGeometry,
  col: Float32Array,
  cinG: number,
  dx: Float32Array,
  xo: number,
): void {
  const { h, w, kh, kw, outH, outW, strideH: sh, strideW: sw, padTop: pt } = s;
  let d = 0;
  for (let ci = 0; ci < cinG; ci++) {
    const xc = xo + ci * h * w;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const off = kx * s.dilationW - s.padLeft;
        const [oxa, oxb] = validCols(off, sw, w, outW);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - pt + ky * s.dilationH;
          if (iy >= 0 && iy < h) {
            const row = xc + iy * w + off;
            for (let ox = oxa; ox < oxb; ox++)
              dx[row + ox * sw] = dx[row + ox * sw]! + col[d + ox]!;
          }
          d += outW;
        }
      }
    }
  }
}
