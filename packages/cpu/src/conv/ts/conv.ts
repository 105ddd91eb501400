import { type Conv2DGeometry, isPointwise } from '@igcnet/tensor/backend';
import { useDirectPointwise } from '../policy.js';
import { Scratch } from '../scratch.js';
import { gemmTs } from './gemm.js';
import { col2imAddTs, im2colTs } from './im2col.js';

const colScratch = new Scratch();

/** Sizes shared by the three passes. */
function dims(s: Conv2DGeometry) {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  return { cinG, coutG, kc: cinG * s.kh * s.kw, hw: s.h * s.w, ohw: s.outH * s.outW };
}

/** y = conv(x, w) + bias in plain TypeScript (im2col + blocked GEMM, or direct 1×1). */
export function convForwardTs(
  s: Conv2DGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
): void {
  const { cinG, coutG, kc, hw, ohw } = dims(s);
  const pw = isPointwise(s);
  const direct = useDirectPointwise(s);
  const col = pw ? x : colScratch.get(kc * ohw);
  for (let n = 0; n < s.n; n++) {
    for (let g = 0; g < s.groups; g++) {
      const xo = (n * s.cin + g * cinG) * hw;
      const yo = (n * s.cout + g * coutG) * ohw;
      const wo = g * coutG * kc;
      if (direct) {
        pointwiseTs(x, xo, cinG, coutG, hw, w, wo, y, yo);
      } else {
        if (!pw) im2colTs(s, x, xo, cinG, col);
        gemmTs({
          m: coutG,
          n: ohw,
          k: kc,
          a: w,
          aOffset: wo,
          lda: kc,
          transA: false,
          b: col,
          bOffset: pw ? xo : 0,
          ldb: ohw,
          transB: false,
          c: y,
          cOffset: yo,
          ldc: ohw,
          accumulate: false,
        });
      }
      if (bias) {
        for (let co = 0; co < coutG; co++) {
          const bv = bias[g * coutG + co]!;
          const r = yo + co * ohw;
          for (let p = 0; p < ohw; p++) y[r + p] = y[r + p]! + bv;
        }
      }
    }
  }
}

/** dw = Σ_n dy ⋆ x in plain TypeScript (dw overwritten). */
export function convFilterTs(
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
): void {
  const { cinG, coutG, kc, hw, ohw } = dims(s);
  const pw = isPointwise(s);
  const direct = useDirectPointwise(s);
  const col = pw ? x : colScratch.get(kc * ohw);
  dw.fill(0, 0, s.cout * kc);
  for (let n = 0; n < s.n; n++) {
    for (let g = 0; g < s.groups; g++) {
      const xo = (n * s.cin + g * cinG) * hw;
      const dyo = (n * s.cout + g * coutG) * ohw;
      const wo = g * coutG * kc;
      if (direct) {
        pointwiseFilterTs(x, xo, dy, dyo, cinG, coutG, hw, dw, wo);
        continue;
      }
      if (!pw) im2colTs(s, x, xo, cinG, col);
      gemmTs({
        m: coutG,
        n: kc,
        k: ohw,
        a: dy,
        aOffset: dyo,
        lda: ohw,
        transA: false,
        b: col,
        bOffset: pw ? xo : 0,
        ldb: ohw,
        transB: true,
        c: dw,
        cOffset: wo,
        ldc: kc,
        accumulate: true,
      });
    }
  }
}

/** dx by GEMM into a column buffer then col2im, in plain TypeScript (dx overwritten). */
export function convInputTs(
  s: Conv2DGeometry,
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
): void {
  const { cinG, coutG, kc, hw, ohw } = dims(s);
  const col = colScratch.get(kc * ohw);
  dx.fill(0, 0, s.n * s.cin * hw);
  for (let n = 0; n < s.n; n++) {
    for (let g = 0; g < s.groups; g++) {
      gemmTs({
        m: kc,
        n: ohw,
        k: coutG,
        a: w,
        aOffset: g * coutG * kc,
        lda: kc,
        transA: true,
        b: dy,
        bOffset: (n * s.cout + g * coutG) * ohw,
        ldb: ohw,
        transB: false,
        c: col,
        cOffset: 0,
        ldc: ohw,
        accumulate: false,
      });
      col2imAddTs(s, col, cinG, dx, (n * s.cin + g * cinG) * hw);
    }
  }
}

/** y[co, p] = Σ_ci w[co, ci]·x[ci, p] for one group: an axpy per (co, ci) over L1-resident rows. */
function pointwiseTs(
  x: Float32Array,
  xo: number,
  cinG: number,
  coutG: number,
  hw: number,
  w: Float32Array,
  wo: number,
  y: Float32Array,
  yo: number,
): void {
  for (let co = 0; co < coutG; co++) {
    const yr = yo + co * hw;
    const wr = wo + co * cinG;
    const w0 = w[wr]!;
    for (let p = 0; p < hw; p++) y[yr + p] = w0 * x[xo + p]!;
    for (let ci = 1; ci < cinG; ci++) {
      const wv = w[wr + ci]!;
      const xr = xo + ci * hw;
      for (let p = 0; p < hw; p++) y[yr + p] = y[yr + p]! + wv * x[xr + p]!;
    }
  }
}

/** dw[co, ci] += Σ_p dy[co, p]·x[ci, p] for one group. */
function pointwiseFilterTs(
  x: Float32Array,
  xo: number,
  dy: Float32Array,
  dyo: number,
  cinG: number,
  coutG: number,
  hw: number,
  dw: Float32Array,
  wo: number,
): void {
  for (let co = 0; co < coutG; co++) {
    const dr = dyo + co * hw;
    for (let ci = 0; ci < cinG; ci++) {
      const xr = xo + ci * hw;
      let acc = 0;
      for (let p = 0; p < hw; p++) acc += dy[dr + p]! * x[xr + p]!;
      dw[wo + co * cinG + ci] = dw[wo + co * cinG + ci]! + acc;
    }
  }
}
