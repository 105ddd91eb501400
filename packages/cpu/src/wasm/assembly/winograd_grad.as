// AssemblyScript: the filter gradient of a 3×3 stride-1 conv by Winograd's F(2×2, 3×3), the dual
// of winograd.as's forward. The forward computes each 2×2 output tile as Y = Aᵀ[U ⊙ V]A with
// U = G g Gᵀ and V = Bᵀ d B; so the gradient of U is Σ_tiles (A dY Aᵀ) ⊙ V, and that of the
// filter g is Gᵀ dU G. Per (image, group) item, blocks of whole tile rows go through the input
// transform (winograd.as), the transform of dy's 2×2 tiles, and 16 products (one per position
// ξ) of coutG × tiles by tiles × cinG, as dot products along the tiles, accumulated into the
// item's chunk partial
// [ξ][coutG][cinG]; winogradFilterReduce adds the chunk partials in order and applies Gᵀ·G.
// 16 multiply-adds per channel pair and tile instead of 36. Every sum runs in a fixed order,
// so results do not depend on the thread or the thread count.
import { padPlanes, planeSlack } from './implicit';
import { pointwiseFilter } from './pointwise';
import { inputTransform } from './winograd';

/**
 * About this many tiles per block: V and Z (16 × channels × tiles floats each) stay in L1 for
 * the 16 dot products that read them (64 tiles, which spill to L2 at 16 channels, took 1.5×
 * more time on 16×16 and 32×32 planes; 16 tiles lose to the shorter dot products).
 */
const TB_TARGET: i32 = 32;

function blockTiles(th: i32, tw: i32): i32 {
  return min<i32>(th, max<i32>(1, TB_TARGET / tw)) * tw;
}

function align64(b: i32): i32 {
  return (b + 63) & ~63;
}

function padFloats(cinG: i32, outH: i32, outW: i32): i32 {
  return cinG * (outH + 2) * (outW + 2) + planeSlack(outW + 2);
}

/** Scratch bytes per thread: padded planes, V and Z blocks, the row table of the dot products. */
export function winogradGradScratchBytes(cinG: i32, coutG: i32, outH: i32, outW: i32): i32 {
  const tb = blockTiles(outH >> 1, outW >> 1);
  return align64(padFloats(cinG, outH, outW) * 4) + align64(16 * cinG * tb * 4) +
    align64(16 * coutG * tb * 4) + align64(max<i32>(cinG, coutG) * 4);
}

/** Row i of A·dy, [p, q], times Aᵀ: [p, p + q, p − q, −q] at ξ = 4i … 4i + 3. */
// @ts-ignore: decorator
@inline
function gradRow(out: usize, xiStride: usize, i: i32, p: v128, q: v128): void {
  const o = out + <usize>(4 * i) * xiStride;
  v128.store(o, p);
  v128.store(o + xiStride, f32x4.add(p, q));
  v128.store(o + 2 * xiStride, f32x4.sub(p, q));
  v128.store(o + 3 * xiStride, f32x4.neg(q));
}

/**
 * Z[ξ][co][t] = (A dy_t Aᵀ)[ξ] for the 2×2 dy tiles t < rows·tw of tile rows ty0 …, with
 * A = [1 0; 1 1; 1 −1; 0 −1]; 4 tiles per vector; Z rows are nt floats.
 */
function gradTransform(
  dyg: usize, coutG: i32, ty0: i32, rows: i32, tw: i32, outW: i32, ohw: i32, z: usize, nt: i32,
): void {
  const xiStride = <usize>(coutG * nt) << 2;
  const rowB = <usize>outW << 2;
  for (let co = 0; co < coutG; co++) {
    const plane = dyg + ((<usize>co * ohw) << 2);
    const zco = z + ((<usize>(co * nt)) << 2);
    for (let r = 0; r < rows; r++) {
      const row0 = plane + <usize>(2 * (ty0 + r)) * rowB;
      const row1 = row0 + rowB;
      for (let tx = 0; tx < tw; tx += 4) {
        const o = <usize>(2 * tx) << 2;
        const u0 = v128.load(row0 + o), u1 = v128.load(row0 + o, 16);
        const l0 = v128.load(row1 + o), l1 = v128.load(row1 + o, 16);
        // Tile [a b; c d] of each of the 4 tiles.
        const a = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6);
        const b = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
        const c = v128.shuffle<f32>(l0, l1, 0, 2, 4, 6);
        const d = v128.shuffle<f32>(l0, l1, 1, 3, 5, 7);
        const out = zco + ((<usize>(r * tw + tx)) << 2);
        gradRow(out, xiStride, 0, a, b);
        gradRow(out, xiStride, 1, f32x4.add(a, c), f32x4.add(b, d));
        gradRow(out, xiStride, 2, f32x4.sub(a, c), f32x4.sub(b, d));
        gradRow(out, xiStride, 3, f32x4.neg(c), f32x4.neg(d));
      }
    }
  }
}

/**
 * Adds one (image, group) item's dU to du ([ξ][coutG][cinG] floats, accumulated): xg the group's
 * first input plane (h × w), dyg its first dy plane (outH × outW); ws holds
 * winogradGradScratchBytes.
 */
export function winogradFilterItem(
  xg: usize, cinG: i32, h: i32, w: i32, pt: i32, pl: i32, outH: i32, outW: i32,
  dyg: usize, coutG: i32, du: usize, ws: usize,
): void {
  const th = outH >> 1, tw = outW >> 1;
  const hp = outH + 2, wp = outW + 2;
  const tb = blockTiles(th, tw);
  const xpad = ws;
  const v = xpad + <usize>align64(padFloats(cinG, outH, outW) * 4);
  const z = v + <usize>align64(16 * cinG * tb * 4);
  const rowsOf = z + <usize>align64(16 * coutG * tb * 4);
  padPlanes(xg, cinG, h, w, pt, pl, hp, wp, xpad);
  const rowsPerBlock = tb / tw;
  const duStride = <usize>(coutG * cinG) << 2;
  let tableNt = 0;
  for (let ty0 = 0; ty0 < th; ty0 += rowsPerBlock) {
    const rows = min<i32>(rowsPerBlock, th - ty0);
    const nt = rows * tw;
    inputTransform(xpad, cinG, hp, wp, ty0, rows, tw, v, nt);
    gradTransform(dyg, coutG, ty0, rows, tw, outW, outH * outW, z, nt);
    if (nt != tableNt) {
      // Z and V rows of one ξ lie nt floats apart: the table the dot products read rows by.
      for (let r = 0; r < max<i32>(cinG, coutG); r++) store<i32>(rowsOf + (<usize>r << 2), r * nt * 4);
      tableNt = nt;
    }
    // dU[ξ][co][ci] += Σ_t Z[ξ][co][t] · V[ξ][ci][t]: dot products along the tiles, no packing
    // (pointwise.as's filter kernel, whose planes are here rows of tiles).
    for (let xi = 0; xi < 16; xi++) {
      pointwiseFilter(
        coutG, cinG, nt, z + ((<usize>(xi * coutG * nt)) << 2), rowsOf,
        v + ((<usize>(xi * cinG * nt)) << 2), rowsOf, du + <usize>xi * duStride,
      );
    }
  }
}

/** [p0 + ½p1 + ½p2, ½p1 − ½p2, ½p1 + ½p2 + p3]: a row of 4 times G (4 × 3). */
// @ts-ignore: decorator
@inline
function timesG(d: usize, p0: f32, p1: f32, p2: f32, p3: f32): void {
  const h1: f32 = p1 * 0.5, h2: f32 = p2 * 0.5;
  store<f32>(d, p0 + h1 + h2);
  store<f32>(d, h1 - h2, 4);
  store<f32>(d, h1 + h2 + p3, 8);
}

/**
 * dw[g·coutG + co, ci] (3×3, overwritten) = Gᵀ (Σ_p parts[p][g][ξ][co][ci]) G: the chunk
 * partials (each `partBytes` apart) added in chunk order, then the inverse filter transform.
 */
export function winogradFilterReduce(
  parts: usize, nparts: i32, partBytes: usize, groups: i32, coutG: i32, cinG: i32, dw: usize,
): void {
  const pairs = coutG * cinG;
  const xiStride = <usize>pairs << 2;
  for (let g = 0; g < groups; g++) {
    const gp = parts + <usize>g * 16 * xiStride;
    for (let j = 0; j < pairs; j++) {
      const at = gp + (<usize>j << 2);
      // s[ξ] summed over the parts in order.
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0, s4: f32 = 0, s5: f32 = 0, s6: f32 = 0, s7: f32 = 0;
      let s8: f32 = 0, s9: f32 = 0, s10: f32 = 0, s11: f32 = 0, s12: f32 = 0, s13: f32 = 0, s14: f32 = 0, s15: f32 = 0;
      for (let p = 0; p < nparts; p++) {
        const q = at + <usize>p * partBytes;
        s0 += load<f32>(q); s1 += load<f32>(q + xiStride); s2 += load<f32>(q + 2 * xiStride); s3 += load<f32>(q + 3 * xiStride);
        const q4 = q + 4 * xiStride, q8 = q + 8 * xiStride, q12 = q + 12 * xiStride;
        s4 += load<f32>(q4); s5 += load<f32>(q4 + xiStride); s6 += load<f32>(q4 + 2 * xiStride); s7 += load<f32>(q4 + 3 * xiStride);
        s8 += load<f32>(q8); s9 += load<f32>(q8 + xiStride); s10 += load<f32>(q8 + 2 * xiStride); s11 += load<f32>(q8 + 3 * xiStride);
        s12 += load<f32>(q12); s13 += load<f32>(q12 + xiStride); s14 += load<f32>(q12 + 2 * xiStride); s15 += load<f32>(q12 + 3 * xiStride);
      }
      // Gᵀ·s: rows [s_0 + ½s_1 + ½s_2, ½s_1 − ½s_2, ½s_1 + ½s_2 + s_3] of 4-float rows s_i.
      const a1: f32 = 0.5;
      const r00 = s0 + a1 * s4 + a1 * s8, r01 = s1 + a1 * s5 + a1 * s9;
      const r02 = s2 + a1 * s6 + a1 * s10, r03 = s3 + a1 * s7 + a1 * s11;
      const r10 = a1 * s4 - a1 * s8, r11 = a1 * s5 - a1 * s9;
      const r12 = a1 * s6 - a1 * s10, r13 = a1 * s7 - a1 * s11;
      const r20 = a1 * s4 + a1 * s8 + s12, r21 = a1 * s5 + a1 * s9 + s13;
      const r22 = a1 * s6 + a1 * s10 + s14, r23 = a1 * s7 + a1 * s11 + s15;
      const d = dw + ((<usize>((g * pairs + j) * 9)) << 2);
      timesG(d, r00, r01, r02, r03);
      timesG(d + 12, r10, r11, r12, r13);
      timesG(d + 24, r20, r21, r22, r23);
    }
  }
}
