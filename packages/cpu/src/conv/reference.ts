import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import type { GemmArgs } from './gemm_args.js';

// Naive loops, kept as the ground truth that tests compare every fast path against.

/** Reference: y[n, co, oy, ox] = bias[co] + Σ x[n, g·cinG + ci, iy, ix] · w[co, ci, ky, kx]. */
export function conv2dForwardNaive(
  s: Conv2DGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
): void {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  for (let n = 0; n < s.n; n++) {
    for (let co = 0; co < s.cout; co++) {
      const g = Math.floor(co / coutG);
      for (let oy = 0; oy < s.outH; oy++) {
        for (let ox = 0; ox < s.outW; ox++) {
          let acc = bias ? bias[co]! : 0;
          for (let ci = 0; ci < cinG; ci++) {
            const xc = (n * s.cin + g * cinG + ci) * s.h * s.w;
            const wc = (co * cinG + ci) * s.kh * s.kw;
            for (let ky = 0; ky < s.kh; ky++) {
              const iy = oy * s.strideH - s.padTop + ky * s.dilationH;
              if (iy < 0 || iy >= s.h) continue;
              for (let kx = 0; kx < s.kw; kx++) {
                const ix = ox * s.strideW - s.padLeft + kx * s.dilationW;
                if (ix < 0 || ix >= s.w) continue;
                acc += x[xc + iy * s.w + ix]! * w[wc + ky * s.kw + kx]!;
              }
            }
          }
          y[((n * s.cout + co) * s.outH + oy) * s.outW + ox] = acc;
        }
      }
    }
  }
}

/** Visits every (x index, w index, y index) triple of the conv; the backward references use it. */
function forEachTap(s: Conv2DGeometry, f: (xi: number, wi: number, yi: number) => void): void {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  for (let n = 0; n < s.n; n++) {
    for (let co = 0; co < s.cout; co++) {
      const g = Math.floor(co / coutG);
      for (let oy = 0; oy < s.outH; oy++) {
        for (let ox = 0; ox < s.outW; ox++) {
          const yi = ((n * s.cout + co) * s.outH + oy) * s.outW + ox;
          for (let ci = 0; ci < cinG; ci++) {
            const xc = (n * s.cin + g * cinG + ci) * s.h * s.w;
            const wc = (co * cinG + ci) * s.kh * s.kw;
            for (let ky = 0; ky < s.kh; ky++) {
              const iy = oy * s.strideH - s.padTop + ky * s.dilationH;
              if (iy < 0 || iy >= s.h) continue;
              for (let kx = 0; kx < s.kw; kx++) {
                const ix = ox * s.strideW - s.padLeft + kx * s.dilationW;
                if (ix < 0 || ix >= s.w) continue;
                f(xc + iy * s.w + ix, wc + ky * s.kw + kx, yi);
              }
            }
          }
        }
      }
    }
  }
}

/** Reference input gradient (dx overwritten). */
export function conv2dBackpropInputNaive(
  s: Conv2DGeometry,
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
): void {
  dx.fill(0);
  forEachTap(s, (xi, wi, yi) => {
    dx[xi] = dx[xi]! + dy[yi]! * w[wi]!;
  });
}

/** Reference filter gradient (dw overwritten). */
export function conv2dBackpropFilterNaive(
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
): void {
  dw.fill(0);
  forEachTap(s, (xi, wi, yi) => {
    dw[wi] = dw[wi]! + dy[yi]! * x[xi]!;
  });
}

/** Reference GEMM. */
export function sgemmNaive(p: GemmArgs): void {
  for (let i = 0; i < p.m; i++) {
    for (let j = 0; j < p.n; j++) {
      let acc = 0;
      for (let q = 0; q < p.k; q++) {
        const av = p.transA ? p.a[p.aOffset + q * p.lda + i]! : p.a[p.aOffset + i * p.lda + q]!;
        const bv = p.transB ? p.b[p.bOffset + j * p.ldb + q]! : p.b[p.bOffset + q * p.ldb + j]!;
        acc += av * bv;
      }
      const ci = p.cOffset + i * p.ldc + j;
      p.c[ci] = p.accumulate ? p.c[ci]! + acc : acc;
    }
  }
}
