import type { GemmArgs } from '../gemm_args.js';
import { Scratch } from '../scratch.js';

/** Register tile rows. 4×4 keeps 16 accumulators, which V8 still holds mostly in registers. */
const MR = 4;
const NR = 4;
/** K block: one packed B panel (KC·NR floats) plus one A panel stay in L1. */
const KC = 256;
/** M block: packed A (MC·KC floats, 128 KiB) stays in L2. */
const MC = 128;
/** N block: packed B (KC·NC floats, 512 KiB) shares L2. */
const NC = 512;

const packedA = new Scratch();
const packedB = new Scratch();

/** op(A) rows [i0, i0+mc) × k [p0, p0+kc) into MR-row panels, zero padded. */
function packA(
  p: GemmArgs,
  i0: number,
  p0: number,
  mc: number,
  kc: number,
  dst: Float32Array,
): void {
  const { a, aOffset, lda, transA } = p;
  let d = 0;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = Math.min(MR, mc - ip);
    for (let kk = 0; kk < kc; kk++) {
      for (let r = 0; r < MR; r++) {
        const i = i0 + ip + r;
        const q = p0 + kk;
        dst[d++] = r < rows ? a[aOffset + (transA ? q * lda + i : i * lda + q)]! : 0;
      }
    }
  }
}

/** op(B) k [p0, p0+kc) × columns [j0, j0+nc) into NR-column panels, zero padded. */
function packB(
  p: GemmArgs,
  p0: number,
  j0: number,
  kc: number,
  nc: number,
  dst: Float32Array,
): void {
  const { b, bOffset, ldb, transB } = p;
  let d = 0;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = Math.min(NR, nc - jp);
    for (let kk = 0; kk < kc; kk++) {
      const q = p0 + kk;
      for (let c = 0; c < NR; c++) {
        const j = j0 + jp + c;
        dst[d++] = c < cols ? b[bOffset + (transB ? j * ldb + q : q * ldb + j)]! : 0;
      }
    }
  }
}

/** One MR×NR tile of C (+)= A panel · B panel, with edge rows/columns clipped. */
function micro(
  kc: number,
  pa: Float32Array,
  ai: number,
  pb: Float32Array,
  bi: number,
  c: Float32Array,
  ci: number,
  ldc: number,
  rows: number,
  cols: number,
  acc: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let kk = 0; kk < kc; kk++) {
    const a0 = pa[ai]!,
      a1 = pa[ai + 1]!,
      a2 = pa[ai + 2]!,
      a3 = pa[ai + 3]!;
    const b0 = pb[bi]!,
      b1 = pb[bi + 1]!,
      b2 = pb[bi + 2]!,
      b3 = pb[bi + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += MR;
    bi += NR;
  }
  if (rows === MR && cols === NR) {
    if (acc) {
      c[ci] = c[ci]! + c00;
      c[ci + 1] = c[ci + 1]! + c01;
      c[ci + 2] = c[ci + 2]! + c02;
      c[ci + 3] = c[ci + 3]! + c03;
      ci += ldc;
      c[ci] = c[ci]! + c10;
      c[ci + 1] = c[ci + 1]! + c11;
      c[ci + 2] = c[ci + 2]! + c12;
      c[ci + 3] = c[ci + 3]! + c13;
      ci += ldc;
      c[ci] = c[ci]! + c20;
      c[ci + 1] = c[ci + 1]! + c21;
      c[ci + 2] = c[ci + 2]! + c22;
      c[ci + 3] = c[ci + 3]! + c23;
      ci += ldc;
      c[ci] = c[ci]! + c30;
      c[ci + 1] = c[ci + 1]! + c31;
      c[ci + 2] = c[ci + 2]! + c32;
      c[ci + 3] = c[ci + 3]! + c33;
    } else {
      c[ci] = c00;
      c[ci + 1] = c01;
      c[ci + 2] = c02;
      c[ci + 3] = c03;
      ci += ldc;
      c[ci] = c10;
      c[ci + 1] = c11;
      c[ci + 2] = c12;
      c[ci + 3] = c13;
      ci += ldc;
      c[ci] = c20;
      c[ci + 1] = c21;
      c[ci + 2] = c22;
      c[ci + 3] = c23;
      ci += ldc;
      c[ci] = c30;
      c[ci + 1] = c31;
      c[ci + 2] = c32;
      c[ci + 3] = c33;
    }
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const v = t[r * NR + q]!;
      const idx = ci + r * ldc + q;
      c[idx] = acc ? c[idx]! + v : v;
    }
  }
}

/**
 * C (+)= op(A)·op(B) in plain TypeScript: packed panels and a 4×4 register tile, blocked for
 * L1/L2 as in GotoBLAS. This is the path every platform runs when WebAssembly SIMD is missing.
 */
export function gemmTs(p: GemmArgs): void {
  const { m, n, k, c, cOffset, ldc } = p;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!p.accumulate)
      for (let i = 0; i < m; i++) c.fill(0, cOffset + i * ldc, cOffset + i * ldc + n);
    return;
  }
  const pa = packedA.get(MC * KC);
  const pb = packedB.get(KC * NC);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const acc = p.accumulate || pc > 0;
      packB(p, pc, jc, kc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(p, ic, pc, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = Math.min(MR, mc - ir);
            const ci = cOffset + (ic + ir) * ldc + jc + jr;
            micro(kc, pa, ir * kc, pb, jr * kc, c, ci, ldc, rows, cols, acc);
          }
        }
      }
    }
  }
}
