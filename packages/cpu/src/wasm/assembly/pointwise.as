// AssemblyScript: 1×1, stride-1, unpadded convs (IGC secondary convs, ResNet/IGCV3 pointwise
// convs) as one small GEMM per (image, group) that reads its channel planes in place through a
// table of byte offsets, and writes its output planes through another. An IGC interleave folded
// into the conv (inShuffle / outShuffle) is then only a different table: no plane moves.
//
// Forward: y[out[co]] = Σ_ci W[co, ci] · x[in[ci]] over the hw pixels of the planes; the input
// gradient is the same with Wᵀ and the tables swapped; the filter gradient is dot products of
// dy and x planes. Planes are read 8 floats at a time: a row tile at the end of a plane reads up
// to 28 bytes past it (the heap keeps slack after its last block), and only stores the floats
// that belong to the plane.
//
// Where planes lie a multiple of 2 KiB apart (32×32 floats: 4 KiB, or smaller planes that an
// interleave's table spaces out: IGC-L24M2's 16×16 secondary reads every 4th 1 KiB plane),
// reading K of them side by side maps their lines to one or two L1 sets (12 ways each), and the
// register tiles' reloads of B miss L1: the GEMM then copies each block of PB columns of its K
// input planes into a contiguous panel first (1.4–1.6× less time on IGC-L24M2's 32×32 stage,
// 1.6× on its 16×16 one). Planes spread over the sets read faster in place (the copy costs about
// a fifth), so the tables decide (setsCollide).
import { MR, NR } from './gemm';

/** a + b·c, rounded twice (see tiles.as: no fused multiply-add, for the same bits everywhere). */
// @ts-ignore: decorator
@inline
function mulAdd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(a, f32x4.mul(b, c));
}

/** Columns of B copied into a contiguous panel at a time. */
export const PB: i32 = 64;

/** Floats of B (k rows × columns) that one pass over the row panels reads: 16 KiB of L1. */
const B_PASS_FLOATS: i32 = 4096;

/**
 * The MR × NR tile: rows r of the packed A panel (packA layout) times the NR floats at
 * src + offs[kk] for each kk < kc, into 4 rows at d0…d3 (each NR floats).
 */
// @ts-ignore: decorator
@inline
function tile(
  kc: i32, pa: usize, src: usize, offs: usize, d0: usize, d1: usize, d2: usize, d3: usize,
  bias: usize, relu: bool,
): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const end = offs + (<usize>kc << 2);
  for (let o = offs; o < end; o += 4) {
    const b = src + <usize>load<i32>(o);
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(pa);
    const a1 = v128.load32_splat(pa, 4);
    const a2 = v128.load32_splat(pa, 8);
    const a3 = v128.load32_splat(pa, 12);
    c00 = mulAdd(c00, a0, b0);
    c01 = mulAdd(c01, a0, b1);
    c10 = mulAdd(c10, a1, b0);
    c11 = mulAdd(c11, a1, b1);
    c20 = mulAdd(c20, a2, b0);
    c21 = mulAdd(c21, a2, b1);
    c30 = mulAdd(c30, a3, b0);
    c31 = mulAdd(c31, a3, b1);
    pa += 16;
  }
  if (bias != 0) {
    // Added after the sums, as a separate bias pass would: Conv2D keeps its bits.
    const b0 = v128.load32_splat(bias), b1 = v128.load32_splat(bias, 4);
    const b2 = v128.load32_splat(bias, 8), b3 = v128.load32_splat(bias, 12);
    c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b0);
    c10 = f32x4.add(c10, b1); c11 = f32x4.add(c11, b1);
    c20 = f32x4.add(c20, b2); c21 = f32x4.add(c21, b2);
    c30 = f32x4.add(c30, b3); c31 = f32x4.add(c31, b3);
  }
  if (relu) {
    // pmax(c, 0) = c < 0 ? 0 : c: one instruction, NaN kept.
    const z = f32x4.splat(0);
    c00 = f32x4.pmax(c00, z); c01 = f32x4.pmax(c01, z);
    c10 = f32x4.pmax(c10, z); c11 = f32x4.pmax(c11, z);
    c20 = f32x4.pmax(c20, z); c21 = f32x4.pmax(c21, z);
    c30 = f32x4.pmax(c30, z); c31 = f32x4.pmax(c31, z);
  }
  v128.store(d0, c00);
  v128.store(d0, c01, 16);
  v128.store(d1, c10);
  v128.store(d1, c11, 16);
  v128.store(d2, c20);
  v128.store(d2, c21, 16);
  v128.store(d3, c30);
  v128.store(d3, c31, 16);
}

/** Scratch floats of pointwiseGemm for k rows of B: the B panel, its row table, the edge tile. */
export function pointwiseScratchFloats(k: i32): i32 {
  return k * PB + k + MR * NR;
}

/** Rows of B in one L1 set above which pointwiseGemm copies B into a panel (12 ways). */
const SET_ROWS: i32 = 8;

/**
 * Whether more than SET_ROWS of the k rows of B (byte offsets in the table `offs`) fall in one L1
 * set: 64 sets of 64-byte lines (48 KiB, 12 ways), so rows whose offsets agree modulo 4 KiB
 * share a set wherever the tile is. `count` is 64 bytes of scratch.
 */
function setsCollide(offs: usize, k: i32, count: usize): bool {
  memory.fill(count, 0, 64);
  for (let kk = 0; kk < k; kk++) {
    const c = count + <usize>((load<i32>(offs + (<usize>kk << 2)) >> 6) & 63);
    const n: i32 = <i32>load<u8>(c) + 1;
    if (n > SET_ROWS) return true;
    store<u8>(c, <u8>n);
  }
  return false;
}

/**
 * C[m, p] = Σ_k A[m, k] · B[k, p] (+ bias[m]) for p < hw, with A packed in MR-row panels (packA),
 * row k of B at src + bOffs[k] and row m of C at dst + cOffs[m] (tables of i32 byte offsets),
 * then max(·, 0) when `relu`: a FusedConv2D epilogue (BN folded into A and the bias) applied in
 * registers. `bias` is 0 or m floats (an edge tile reads up to 3 floats past them, into the heap's
 * slack, for rows it drops); `ws` holds pointwiseScratchFloats(k) floats.
 */
export function pointwiseGemm(
  m: i32, k: i32, hw: i32, pa: usize, src: usize, bOffs: usize, dst: usize, cOffs: usize, ws: usize,
  bias: usize = 0, relu: bool = false,
): void {
  const ldb = <usize>PB << 2;
  const panelOffs = ws + <usize>k * ldb;
  const tmp = panelOffs + (<usize>k << 2);
  const t0 = tmp, t1 = tmp + NR * 4, t2 = tmp + 2 * NR * 4, t3 = tmp + 3 * NR * 4;
  // Planes that share L1 sets are copied into the panel (see the top of this file).
  const pack = k >= 8 && setsCollide(bOffs, k, tmp);
  for (let kk = 0; kk < k; kk++) store<i32>(panelOffs + (<usize>kk << 2), kk * PB * 4);
  const block = pack ? PB : hw;
  for (let p0 = 0; p0 < hw; p0 += block) {
    let base = src + (<usize>p0 << 2), offs = bOffs;
    if (pack) {
      // The block's columns rounded up to whole tiles (reads past a plane's end are slack).
      const bytes = <usize>((min<i32>(PB, hw - p0) + NR - 1) & ~(NR - 1)) << 2;
      for (let kk = 0; kk < k; kk++) {
        const from = base + <usize>load<i32>(bOffs + (<usize>kk << 2));
        const to = ws + <usize>kk * ldb;
        for (let b: usize = 0; b < bytes; b += 32) {
          v128.store(to + b, v128.load(from + b));
          v128.store(to + b, v128.load(from + b, 16), 16);
        }
      }
      base = ws;
      offs = panelOffs;
    }
    const pEnd = min<i32>(hw, p0 + block);
    // Columns in passes of cw, each pass over every row panel: the pass's k rows of B (at most
    // B_PASS_FLOATS) stay in L1 while the row panels read them, and a panel's MR output rows
    // are written along the pass before the next rows start, so the lines being written stay
    // few per L1 set (output planes 4 KiB apart share their sets, as B's rows do).
    const cw = max<i32>(NR, min<i32>(pEnd - p0, (B_PASS_FLOATS / k) & ~(NR - 1)));
    for (let q0 = p0; q0 < pEnd; q0 += cw) {
      const qEnd = min<i32>(pEnd, q0 + cw);
      for (let i = 0; i < m; i += MR) {
        const rows = min<i32>(MR, m - i);
        const pai = pa + ((<usize>i * k) << 2);
        const co = cOffs + (<usize>i << 2);
        const bi = bias != 0 ? bias + (<usize>i << 2) : 0;
        for (let p = q0; p < qEnd; p += NR) {
          const cols = min<i32>(NR, hw - p);
          const pb = <usize>p << 2;
          const s = base + (<usize>(p - p0) << 2);
          if (rows == MR && cols == NR) {
            tile(
              k, pai, s, offs,
              dst + <usize>load<i32>(co) + pb, dst + <usize>load<i32>(co, 4) + pb,
              dst + <usize>load<i32>(co, 8) + pb, dst + <usize>load<i32>(co, 12) + pb, bi, relu,
            );
          } else {
            tile(k, pai, s, offs, t0, t1, t2, t3, bi, relu);
            for (let r = 0; r < rows; r++) {
              const d = dst + <usize>load<i32>(co + (<usize>r << 2)) + pb;
              const t = tmp + <usize>(r * NR * 4);
              for (let q = 0; q < cols; q++) store<f32>(d + (<usize>q << 2), load<f32>(t + (<usize>q << 2)));
            }
          }
        }
      }
    }
  }
}

/** [Σ a, Σ b, Σ c, Σ d] in a fixed order (as tiles.as). */
// @ts-ignore: decorator
@inline
function reduce4(a: v128, b: v128, c: v128, d: v128): v128 {
  const u = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const v = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u, v, 0, 1, 4, 5), v128.shuffle<f32>(u, v, 2, 3, 6, 7));
}

/**
 * dw[c·ldw + j] += Σ_p dy[dOffs[c]][p] · x[xOffs[j]][p] for c < CO ∈ {1, 2, 4}, j < CI ∈ {1, 2}:
 * 4-lane partial sums over the vector part of the plane, reduced in a fixed order, then the
 * scalar tail.
 */
// @ts-ignore: decorator
@inline
function dots(
  CO: i32, CI: i32, hw: i32, dy: usize, dOffs: usize, x: usize, xOffs: usize, dw: usize, ldw: usize,
): void {
  const z = f32x4.splat(0);
  const d0p = dy + <usize>load<i32>(dOffs);
  const d1p = CO > 1 ? dy + <usize>load<i32>(dOffs, 4) : 0;
  const d2p = CO > 2 ? dy + <usize>load<i32>(dOffs, 8) : 0;
  const d3p = CO > 2 ? dy + <usize>load<i32>(dOffs, 12) : 0;
  const x0p = x + <usize>load<i32>(xOffs);
  const x1p = CI > 1 ? x + <usize>load<i32>(xOffs, 4) : 0;
  let a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
  const vb = <usize>(hw & ~3) << 2;
  for (let q: usize = 0; q < vb; q += 16) {
    const x0 = v128.load(x0p + q);
    const d0 = v128.load(d0p + q);
    a00 = mulAdd(a00, d0, x0);
    if (CI > 1) {
      const x1 = v128.load(x1p + q);
      a01 = mulAdd(a01, d0, x1);
      if (CO > 1) {
        const d1 = v128.load(d1p + q);
        a10 = mulAdd(a10, d1, x0);
        a11 = mulAdd(a11, d1, x1);
      }
      if (CO > 2) {
        const d2 = v128.load(d2p + q);
        const d3 = v128.load(d3p + q);
        a20 = mulAdd(a20, d2, x0);
        a21 = mulAdd(a21, d2, x1);
        a30 = mulAdd(a30, d3, x0);
        a31 = mulAdd(a31, d3, x1);
      }
    } else {
      if (CO > 1) a10 = mulAdd(a10, v128.load(d1p + q), x0);
      if (CO > 2) {
        a20 = mulAdd(a20, v128.load(d2p + q), x0);
        a30 = mulAdd(a30, v128.load(d3p + q), x0);
      }
    }
  }
  // Lanes: [c0j0, c1j0, c2j0, c3j0] and the same for j1.
  let r0 = reduce4(a00, a10, a20, a30);
  let r1 = reduce4(a01, a11, a21, a31);
  for (let p = hw & ~3; p < hw; p++) {
    const o = <usize>p << 2;
    const x0 = load<f32>(x0p + o);
    const dv = f32x4.replace_lane(
      f32x4.replace_lane(
        f32x4.replace_lane(f32x4.splat(load<f32>(d0p + o)), 1, CO > 1 ? load<f32>(d1p + o) : 0),
        2, CO > 2 ? load<f32>(d2p + o) : 0,
      ),
      3, CO > 2 ? load<f32>(d3p + o) : 0,
    );
    r0 = mulAdd(r0, dv, f32x4.splat(x0));
    if (CI > 1) r1 = mulAdd(r1, dv, f32x4.splat(load<f32>(x1p + o)));
  }
  store<f32>(dw, load<f32>(dw) + f32x4.extract_lane(r0, 0));
  if (CI > 1) store<f32>(dw, load<f32>(dw, 4) + f32x4.extract_lane(r1, 0), 4);
  if (CO > 1) {
    const w1 = dw + ldw;
    store<f32>(w1, load<f32>(w1) + f32x4.extract_lane(r0, 1));
    if (CI > 1) store<f32>(w1, load<f32>(w1, 4) + f32x4.extract_lane(r1, 1), 4);
  }
  if (CO > 2) {
    const w2 = dw + 2 * ldw, w3 = dw + 3 * ldw;
    store<f32>(w2, load<f32>(w2) + f32x4.extract_lane(r0, 2));
    store<f32>(w3, load<f32>(w3) + f32x4.extract_lane(r0, 3));
    if (CI > 1) {
      store<f32>(w2, load<f32>(w2, 4) + f32x4.extract_lane(r1, 2), 4);
      store<f32>(w3, load<f32>(w3, 4) + f32x4.extract_lane(r1, 3), 4);
    }
  }
}

/** One column pair (or single column) of dw for `co` rows starting at row c. */
// @ts-ignore: decorator
@inline
function dotCols(
  CO: i32, cinG: i32, hw: i32, dy: usize, dOffs: usize, x: usize, xOffs: usize, dw: usize, ldw: usize,
): void {
  let j = 0;
  for (; j + 2 <= cinG; j += 2) {
    dots(CO, 2, hw, dy, dOffs, x, xOffs + (<usize>j << 2), dw + (<usize>j << 2), ldw);
  }
  if (j < cinG) dots(CO, 1, hw, dy, dOffs, x, xOffs + (<usize>j << 2), dw + (<usize>j << 2), ldw);
}

/**
 * dw[co, ci] += Σ_p dy[dOffs[co]][p] · x[xOffs[ci]][p]: one (image, group) item's filter
 * gradient added to the group's coutG × cinG weights at dw (rows of cinG floats).
 */
export function pointwiseFilter(
  coutG: i32, cinG: i32, hw: i32, dy: usize, dOffs: usize, x: usize, xOffs: usize, dw: usize,
): void {
  const ldw = <usize>cinG << 2;
  let c = 0;
  for (; c + 4 <= coutG; c += 4) {
    dotCols(4, cinG, hw, dy, dOffs + (<usize>c << 2), x, xOffs, dw + <usize>c * ldw, ldw);
  }
  if (c + 2 <= coutG) {
    dotCols(2, cinG, hw, dy, dOffs + (<usize>c << 2), x, xOffs, dw + <usize>c * ldw, ldw);
    c += 2;
  }
  if (c < coutG) dotCols(1, cinG, hw, dy, dOffs + (<usize>c << 2), x, xOffs, dw + <usize>c * ldw, ldw);
}
