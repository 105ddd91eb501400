// AssemblyScript: 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) (Lavin & Gray 2016): each
// 2×2 block of outputs (a "tile") comes from a 4×4 input patch d as Y = Aᵀ[U ⊙ V]A, with the
// transformed filter U = G g Gᵀ and the transformed patch V = Bᵀ d B. Summed over input channels,
// the 16 elementwise products become 16 GEMMs (one per position ξ of the 4×4 transform) of
// coutG × cinG by cinG × tiles: 16 multiply-adds per channel pair and tile instead of 36, for a
// few additions of transform. Runs on convs whose output is a whole number of 4-tile groups wide
// (outW a multiple of 8) and of tile rows high (outH even), with enough channels per group for
// the GEMMs to pay (conv/policy.ts).
//
// Per (image, group) item: the group's input planes are zero-padded once (implicit.as), then
// blocks of whole tile rows go through input transform → 16 GEMMs (gemm.as) → output transform.
// The transforms run on 4 neighbouring tiles per vector. Every output's sum runs in a fixed
// order, so results do not depend on the thread that computes them.
import { gemm, gemmScratchBytes } from './gemm';
import { padPlanes, planeSlack } from './implicit';

/** About this many tiles per block: its V and M (16 × channels × tiles floats each) stay in L2. */
const TB_TARGET: i32 = 32;

/** Tiles per block for a th × tw tile grid: whole tile rows, about TB_TARGET tiles. */
function blockTiles(th: i32, tw: i32): i32 {
  return min<i32>(th, max<i32>(1, TB_TARGET / tw)) * tw;
}

function align64(b: i32): i32 {
  return (b + 63) & ~63;
}

/** Floats of the padded planes: outH + 2 rows of outW + 2, then slack. */
function padFloats(cinG: i32, outH: i32, outW: i32): i32 {
  return cinG * (outH + 2) * (outW + 2) + planeSlack(outW + 2);
}

/** Scratch bytes per thread: padded planes, V and M blocks, GEMM packing. */
export function winogradScratchBytes(cinG: i32, coutG: i32, outH: i32, outW: i32): i32 {
  const tb = blockTiles(outH >> 1, outW >> 1);
  return align64(padFloats(cinG, outH, outW) * 4) + align64(16 * cinG * tb * 4) +
    align64(16 * coutG * tb * 4) + gemmScratchBytes();
}

/** Stores row r of a transformed filter, [a, (a+b+c)/2, (a−b+c)/2, c], at ξ = 4r … 4r + 3. */
// @ts-ignore: decorator
@inline
function filterRow(dst: usize, plane: usize, r: i32, a: f32, b: f32, c: f32): void {
  const d = dst + <usize>(4 * r) * plane;
  store<f32>(d, a);
  store<f32>(d + plane, (a + b + c) * 0.5);
  store<f32>(d + 2 * plane, (a - b + c) * 0.5);
  store<f32>(d + 3 * plane, c);
}

/**
 * U[g][ξ][co][ci] = (G w[g·coutG + co, ci] Gᵀ)[ξ] for every group, with G = [1 0 0; ½ ½ ½;
 * ½ −½ ½; 0 0 1]: the filter transform, once per call before the items.
 */
export function winogradFilter(w: usize, groups: i32, coutG: i32, cinG: i32, u: usize): void {
  const plane = <usize>(coutG * cinG) << 2;
  for (let g = 0; g < groups; g++) {
    for (let co = 0; co < coutG; co++) {
      for (let ci = 0; ci < cinG; ci++) {
        const s = w + ((<usize>((g * coutG + co) * cinG + ci) * 9) << 2);
        const w00 = load<f32>(s), w01 = load<f32>(s, 4), w02 = load<f32>(s, 8);
        const w10 = load<f32>(s, 12), w11 = load<f32>(s, 16), w12 = load<f32>(s, 20);
        const w20 = load<f32>(s, 24), w21 = load<f32>(s, 28), w22 = load<f32>(s, 32);
        const dst = u + <usize>g * 16 * plane + ((<usize>(co * cinG + ci)) << 2);
        // t = G·g row by row, then each row of t times Gᵀ.
        filterRow(dst, plane, 0, w00, w01, w02);
        filterRow(
          dst, plane, 1,
          (w00 + w10 + w20) * 0.5, (w01 + w11 + w21) * 0.5, (w02 + w12 + w22) * 0.5,
        );
        filterRow(
          dst, plane, 2,
          (w00 - w10 + w20) * 0.5, (w01 - w11 + w21) * 0.5, (w02 - w12 + w22) * 0.5,
        );
        filterRow(dst, plane, 3, w20, w21, w22);
      }
    }
  }
}

/** Bᵀ applied to a column of 4 (each entry a vector over 4 tiles), Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. */
// @ts-ignore: decorator
@inline
function bt0(a: v128, b: v128, c: v128, d: v128): v128 { return f32x4.sub(a, c); }
// @ts-ignore: decorator
@inline
function bt1(a: v128, b: v128, c: v128, d: v128): v128 { return f32x4.add(b, c); }
// @ts-ignore: decorator
@inline
function bt2(a: v128, b: v128, c: v128, d: v128): v128 { return f32x4.sub(c, b); }
// @ts-ignore: decorator
@inline
function bt3(a: v128, b: v128, c: v128, d: v128): v128 { return f32x4.sub(b, d); }

/**
 * Row i of 4 tiles' patches: d[i][j] for j < 4, each a vector over the tiles (patch columns of
 * neighbouring tiles are 2 apart, so even and odd floats are split with shuffles).
 */
// @ts-ignore: decorator
@inline
function patchRow(p: usize, j: i32): v128 {
  // j 0/1: evens/odds of the 8 floats at p; j 2/3: of the 8 floats at p + 2 floats.
  const a = v128.load(p + (j >= 2 ? 8 : 0));
  const b = v128.load(p + (j >= 2 ? 24 : 16));
  return (j & 1) == 0 ? v128.shuffle<f32>(a, b, 0, 2, 4, 6) : v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

/**
 * V[ξ][ci][t] = (Bᵀ d B)[ξ] for the tiles t < rows·tw of tile rows ty0 … of every channel's
 * padded plane (wp floats per row, hp rows), 4 tiles at a time; V rows are nt floats.
 */
export function inputTransform(
  xpad: usize, cinG: i32, hp: i32, wp: i32, ty0: i32, rows: i32, tw: i32, v: usize, nt: i32,
): void {
  const rowB = <usize>wp << 2;
  const xiStride = <usize>(cinG * nt) << 2;
  for (let ci = 0; ci < cinG; ci++) {
    const plane = xpad + <usize>(ci * hp) * rowB;
    const vci = v + ((<usize>(ci * nt)) << 2);
    for (let r = 0; r < rows; r++) {
      const top = plane + <usize>(2 * (ty0 + r)) * rowB;
      for (let tx = 0; tx < tw; tx += 4) {
        const p = top + (<usize>(2 * tx) << 2);
        const p1 = p + rowB, p2 = p + 2 * rowB, p3 = p + 3 * rowB;
        // Columns j of Bᵀ d: e_i,j = (Bᵀ d)[i][j] from patch rows 0…3.
        const d00 = patchRow(p, 0), d01 = patchRow(p, 1), d02 = patchRow(p, 2), d03 = patchRow(p, 3);
        const d10 = patchRow(p1, 0), d11 = patchRow(p1, 1), d12 = patchRow(p1, 2), d13 = patchRow(p1, 3);
        const d20 = patchRow(p2, 0), d21 = patchRow(p2, 1), d22 = patchRow(p2, 2), d23 = patchRow(p2, 3);
        const d30 = patchRow(p3, 0), d31 = patchRow(p3, 1), d32 = patchRow(p3, 2), d33 = patchRow(p3, 3);
        const out = vci + ((<usize>(r * tw + tx)) << 2);
        transformRow(out, xiStride, 0, bt0(d00, d10, d20, d30), bt0(d01, d11, d21, d31), bt0(d02, d12, d22, d32), bt0(d03, d13, d23, d33));
        transformRow(out, xiStride, 1, bt1(d00, d10, d20, d30), bt1(d01, d11, d21, d31), bt1(d02, d12, d22, d32), bt1(d03, d13, d23, d33));
        transformRow(out, xiStride, 2, bt2(d00, d10, d20, d30), bt2(d01, d11, d21, d31), bt2(d02, d12, d22, d32), bt2(d03, d13, d23, d33));
        transformRow(out, xiStride, 3, bt3(d00, d10, d20, d30), bt3(d01, d11, d21, d31), bt3(d02, d12, d22, d32), bt3(d03, d13, d23, d33));
      }
    }
  }
}

/** Row i of (Bᵀ d)·B from row i of Bᵀ d, stored at ξ = 4i … 4i + 3. */
// @ts-ignore: decorator
@inline
function transformRow(out: usize, xiStride: usize, i: i32, e0: v128, e1: v128, e2: v128, e3: v128): void {
  const o = out + <usize>(4 * i) * xiStride;
  v128.store(o, bt0(e0, e1, e2, e3));
  v128.store(o + xiStride, bt1(e0, e1, e2, e3));
  v128.store(o + 2 * xiStride, bt2(e0, e1, e2, e3));
  v128.store(o + 3 * xiStride, bt3(e0, e1, e2, e3));
}

/**
 * y for the tiles of tile rows ty0 … from M[ξ][co][t] (rows of nt floats): Aᵀ m A with
 * Aᵀ = [1 1 1 0; 0 1 −1 −1], plus the bias, 4 tiles (8 output columns) per vector pair.
 */
function outputTransform(
  m: usize, coutG: i32, nt: i32, ty0: i32, rows: i32, tw: i32, outW: i32, ohw: i32,
  bias: usize, y: usize,
): void {
  const xiStride = <usize>(coutG * nt) << 2;
  for (let co = 0; co < coutG; co++) {
    const b = bias != 0 ? v128.load32_splat(bias + (<usize>co << 2)) : f32x4.splat(0);
    const mco = m + ((<usize>(co * nt)) << 2);
    const yco = y + ((<usize>co * ohw) << 2);
    for (let r = 0; r < rows; r++) {
      const row0 = yco + ((<usize>(2 * (ty0 + r) * outW)) << 2);
      const row1 = row0 + (<usize>outW << 2);
      for (let tx = 0; tx < tw; tx += 4) {
        const q = mco + ((<usize>(r * tw + tx)) << 2);
        const m0 = v128.load(q), m1 = v128.load(q + xiStride), m2 = v128.load(q + 2 * xiStride), m3 = v128.load(q + 3 * xiStride);
        const q4 = q + 4 * xiStride, q8 = q + 8 * xiStride, q12 = q + 12 * xiStride;
        const m4 = v128.load(q4), m5 = v128.load(q4 + xiStride), m6 = v128.load(q4 + 2 * xiStride), m7 = v128.load(q4 + 3 * xiStride);
        const m8 = v128.load(q8), m9 = v128.load(q8 + xiStride), m10 = v128.load(q8 + 2 * xiStride), m11 = v128.load(q8 + 3 * xiStride);
        const m12 = v128.load(q12), m13 = v128.load(q12 + xiStride), m14 = v128.load(q12 + 2 * xiStride), m15 = v128.load(q12 + 3 * xiStride);
        // s_a[j] = (Aᵀ m)[a][j].
        const s00 = f32x4.add(f32x4.add(m0, m4), m8), s01 = f32x4.add(f32x4.add(m1, m5), m9);
        const s02 = f32x4.add(f32x4.add(m2, m6), m10), s03 = f32x4.add(f32x4.add(m3, m7), m11);
        const s10 = f32x4.sub(f32x4.sub(m4, m8), m12), s11 = f32x4.sub(f32x4.sub(m5, m9), m13);
        const s12 = f32x4.sub(f32x4.sub(m6, m10), m14), s13 = f32x4.sub(f32x4.sub(m7, m11), m15);
        const y00 = f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), b);
        const y01 = f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), b);
        const y10 = f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), b);
        const y11 = f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), b);
        const o = <usize>(2 * tx) << 2;
        v128.store(row0 + o, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
        v128.store(row0 + o, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
        v128.store(row1 + o, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
        v128.store(row1 + o, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
      }
    }
  }
}

/**
 * y (+ bias) of one (image, group) item: xg the group's first input plane (h × w), u its
 * transformed filters (winogradFilter), bias its first bias value or 0, yg its first output
 * plane; ws holds winogradScratchBytes.
 */
export function winogradItem(
  xg: usize, cinG: i32, h: i32, w: i32, pt: i32, pl: i32, outH: i32, outW: i32,
  u: usize, coutG: i32, bias: usize, yg: usize, ws: usize,
): void {
  const th = outH >> 1, tw = outW >> 1;
  const hp = outH + 2, wp = outW + 2;
  const tb = blockTiles(th, tw);
  const xpad = ws;
  const v = xpad + <usize>align64(padFloats(cinG, outH, outW) * 4);
  const m = v + <usize>align64(16 * cinG * tb * 4);
  const gws = m + <usize>align64(16 * coutG * tb * 4);
  padPlanes(xg, cinG, h, w, pt, pl, hp, wp, xpad);
  const rowsPerBlock = tb / tw;
  const uStride = <usize>(coutG * cinG) << 2;
  for (let ty0 = 0; ty0 < th; ty0 += rowsPerBlock) {
    const rows = min<i32>(rowsPerBlock, th - ty0);
    const nt = rows * tw;
    inputTransform(xpad, cinG, hp, wp, ty0, rows, tw, v, nt);
    for (let xi = 0; xi < 16; xi++) {
      gemm(
        coutG, nt, cinG,
        u + <usize>xi * uStride, cinG, false,
        v + ((<usize>(xi * cinG * nt)) << 2), nt, false,
        m + ((<usize>(xi * coutG * nt)) << 2), nt, false, gws,
      );
    }
    outputTransform(m, coutG, nt, ty0, rows, tw, outW, outH * outW, bias, yg);
  }
}
