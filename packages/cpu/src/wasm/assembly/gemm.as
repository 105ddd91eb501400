// AssemblyScript source (compiled by scripts/build-wasm.mjs; the `.as` extension keeps tsc and
// vitest away from it). Blocked single-precision GEMM with packed panels and a 4×8 f32x4
// register tile. All pointers are byte offsets into the shared linear memory.

/** Rows of the register tile. */
export const MR: i32 = 4;
/** Columns of the register tile (two f32x4). */
export const NR: i32 = 8;
/** K block: a packed B panel (KC·NR floats, 8 KiB) stays in L1 while the A panels stream. */
export const KC: i32 = 256;
/** M block: packed A (MC·KC floats, 64 KiB) stays in L2. */
export const MC: i32 = 64;
/** N block: packed B (KC·NC floats, 512 KiB) shares L2 with A. */
export const NC: i32 = 512;

/** Bytes of scratch that `gemm` needs. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/** op(A)[i, p] packed into MR-row panels: panel-major, then k, then the MR rows (zero padded). */
export function packA(a: usize, lda: i32, ta: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min<i32>(MR, mc - ip);
    if (ta) {
      // A stored transposed: the MR values of one k are contiguous.
      let src = a + ((<usize>p0 * lda + i0 + ip) << 2);
      if (rows == MR) {
        for (let kk = 0; kk < kc; kk++) {
          v128.store(dst, v128.load(src));
          src += <usize>lda << 2;
          dst += 16;
        }
      } else {
        for (let kk = 0; kk < kc; kk++) {
          for (let r = 0; r < MR; r++) {
            store<f32>(dst + (r << 2), r < rows ? load<f32>(src + (r << 2)) : 0);
          }
          src += <usize>lda << 2;
          dst += 16;
        }
      }
    } else {
      const r0 = a + ((<usize>(i0 + ip) * lda + p0) << 2);
      const ldb = <usize>lda << 2;
      if (rows == MR) {
        // Four rows at once through a 4×4 transpose of f32x4 registers.
        let kk = 0;
        for (; kk + 4 <= kc; kk += 4) {
          const s = r0 + (<usize>kk << 2);
          const x0 = v128.load(s);
          const x1 = v128.load(s + ldb);
          const x2 = v128.load(s + 2 * ldb);
          const x3 = v128.load(s + 3 * ldb);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(dst, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
          v128.store(dst, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
          v128.store(dst, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
          dst += 64;
        }
        for (; kk < kc; kk++) {
          const s = r0 + (<usize>kk << 2);
          store<f32>(dst, load<f32>(s));
          store<f32>(dst + 4, load<f32>(s + ldb));
          store<f32>(dst + 8, load<f32>(s + 2 * ldb));
          store<f32>(dst + 12, load<f32>(s + 3 * ldb));
          dst += 16;
        }
      } else {
        for (let kk = 0; kk < kc; kk++) {
          const s = r0 + (<usize>kk << 2);
          for (let r = 0; r < MR; r++) {
            store<f32>(dst + (r << 2), r < rows ? load<f32>(s + <usize>r * ldb) : 0);
          }
          dst += 16;
        }
      }
    }
  }
}

/** op(B)[p, j] packed into NR-column panels: panel-major, then k, then the NR columns. */
function packB(b: usize, ldb: i32, tb: bool, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const ld = <usize>ldb << 2;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min<i32>(NR, nc - jp);
    if (!tb) {
      let src = b + ((<usize>p0 * ldb + j0 + jp) << 2);
      if (cols == NR) {
        for (let kk = 0; kk < kc; kk++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += ld;
          dst += 32;
        }
      } else {
        for (let kk = 0; kk < kc; kk++) {
          for (let c = 0; c < NR; c++) {
            store<f32>(dst + (c << 2), c < cols ? load<f32>(src + (c << 2)) : 0);
          }
          src += ld;
          dst += 32;
        }
      }
    } else {
      // B stored transposed: column j of op(B) is row j of storage.
      const r0 = b + ((<usize>(j0 + jp) * ldb + p0) << 2);
      if (cols == NR) {
        let kk = 0;
        for (; kk + 4 <= kc; kk += 4) {
          const s = r0 + (<usize>kk << 2);
          for (let half = 0; half < 2; half++) {
            const h = s + <usize>(half * 4) * ld;
            const x0 = v128.load(h);
            const x1 = v128.load(h + ld);
            const x2 = v128.load(h + 2 * ld);
            const x3 = v128.load(h + 3 * ld);
            const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
            const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
            const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
            const d = dst + <usize>(half << 4);
            v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
            v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
            v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
            v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
          }
          dst += 128;
        }
        for (; kk < kc; kk++) {
          const s = r0 + (<usize>kk << 2);
          for (let c = 0; c < NR; c++) store<f32>(dst + (c << 2), load<f32>(s + <usize>c * ld));
          dst += 32;
        }
      } else {
        for (let kk = 0; kk < kc; kk++) {
          const s = r0 + (<usize>kk << 2);
          for (let c = 0; c < NR; c++) {
            store<f32>(dst + (c << 2), c < cols ? load<f32>(s + <usize>c * ld) : 0);
          }
          dst += 32;
        }
      }
    }
  }
}

/** C tile (MR × NR, row stride ldc bytes) (+)= packed A panel · packed B panel over kc. */
// @ts-ignore: decorator
@inline
function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let kk = 0; kk < kc; kk++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    const a1 = v128.load32_splat(pa, 4);
    const a2 = v128.load32_splat(pa, 8);
    const a3 = v128.load32_splat(pa, 12);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    pa += 16;
    pb += 32;
  }
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** Full tiles straight into C; edge tiles through `tmp` so no store runs past C's edge. */
function macro(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, acc: bool, tmp: usize): void {
  const ldcb = <usize>ldc << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min<i32>(NR, nc - jr);
    const pbj = pb + <usize>(jr * kc) * 4;
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min<i32>(MR, mc - ir);
      const pai = pa + <usize>(ir * kc) * 4;
      const ct = c + <usize>ir * ldcb + (<usize>jr << 2);
      if (rows == MR && cols == NR) {
        micro(kc, pai, pbj, ct, ldcb, acc);
      } else {
        micro(kc, pai, pbj, tmp, NR * 4, false);
        for (let r = 0; r < rows; r++) {
          for (let q = 0; q < cols; q++) {
            const d = ct + <usize>r * ldcb + (<usize>q << 2);
            const v = load<f32>(tmp + ((r * NR + q) << 2));
            store<f32>(d, acc ? load<f32>(d) + v : v);
          }
        }
      }
    }
  }
}

/**
 * C[m, n] (+)= Σ_k op(A)[m, k] · op(B)[k, n] on row-major storage (leading dimensions in floats).
 * `ws` is gemmScratchBytes() of scratch owned by the calling thread.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, ta: bool,
  b: usize, ldb: i32, tb: bool,
  c: usize, ldc: i32, acc: bool, ws: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(c + ((<usize>i * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  const pa = ws;
  const pb = pa + <usize>(MC * KC) * 4;
  const tmp = pb + <usize>(KC * NC) * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min<i32>(KC, k - pc);
      packB(b, ldb, tb, pc, jc, kc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min<i32>(MC, m - ic);
        packA(a, lda, ta, ic, pc, mc, kc, pa);
        macro(mc, nc, kc, pa, pb, c + ((<usize>ic * ldc + jc) << 2), ldc, acc || pc > 0, tmp);
      }
    }
  }
}
