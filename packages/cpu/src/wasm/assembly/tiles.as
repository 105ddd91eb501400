// AssemblyScript: register tiles of the small-group direct kernels (small.as).
//
// A gather tile computes CO output channels × NV vectors of 4 neighbouring outputs as
// Σ_t w[t, c] · src[offs[t] + v·16]. The taps are a table of byte offsets, so the same tile serves
// any kernel size, stride (through phase-split planes), dilation, and the transposed conv of the
// input gradient. CO and NV are constants at every call: the tiles are inlined and Binaryen folds
// the unused accumulators away, so each instance keeps at most 8 f32x4 accumulators in registers
// with room left for the loads. Weights are stored pre-splatted (16 bytes each, laid out [t][c])
// so the inner loop does plain vector loads.

/** a + b·c, rounded twice: relaxed SIMD's fused madd would make results differ by platform. */
// @ts-ignore: decorator
@inline
function mulAdd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(a, f32x4.mul(b, c));
}

/** The first `lanes` (< 4) floats of v to d: a row's last, partial vector. */
// @ts-ignore: decorator
@inline
function storeLanes(d: usize, v: v128, lanes: i32): void {
  store<f32>(d, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(d, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(d, f32x4.extract_lane(v, 2), 8);
}

// @ts-ignore: decorator
@inline
function storeRow(d: usize, v0: v128, v1: v128, v2: v128, v3: v128, NV: i32, lanes: i32): void {
  if (NV == 1 && lanes < 4) {
    storeLanes(d, v0, lanes);
    return;
  }
  v128.store(d, v0);
  if (NV > 1) v128.store(d, v1, 16);
  if (NV > 2) {
    v128.store(d, v2, 32);
    v128.store(d, v3, 48);
  }
}

/**
 * dst[c·ldd + v·16 …] = init[c] + Σ_t wts[t, c] · src[offs[t] + v·16 …] for c < CO ∈ {1, 2, 4},
 * v < NV ∈ {1, 2, 4}; with NV = 1 only the first `lanes` floats are stored.
 */
// @ts-ignore: decorator
@inline
function tile(
  CO: i32, NV: i32, nt: i32, src: usize, offs: usize, wts: usize, init: usize,
  dst: usize, ldd: usize, lanes: i32,
): void {
  const z = f32x4.splat(0);
  let a00 = v128.load(init), a01 = a00, a02 = a00, a03 = a00;
  let a10 = z, a11 = z, a12 = z, a13 = z;
  let a20 = z, a21 = z, a22 = z, a23 = z;
  let a30 = z, a31 = z, a32 = z, a33 = z;
  if (CO > 1) {
    a10 = v128.load(init, 16); a11 = a10; a12 = a10; a13 = a10;
  }
  if (CO > 2) {
    a20 = v128.load(init, 32); a21 = a20; a22 = a20; a23 = a20;
    a30 = v128.load(init, 48); a31 = a30; a32 = a30; a33 = a30;
  }
  let o = offs;
  let wq = wts;
  const end = offs + (<usize>nt << 2);
  while (o < end) {
    const p = src + <usize>load<i32>(o);
    const x0 = v128.load(p);
    let x1 = z, x2 = z, x3 = z;
    if (NV > 1) x1 = v128.load(p, 16);
    if (NV > 2) {
      x2 = v128.load(p, 32);
      x3 = v128.load(p, 48);
    }
    const w0 = v128.load(wq);
    a00 = mulAdd(a00, w0, x0);
    if (NV > 1) a01 = mulAdd(a01, w0, x1);
    if (NV > 2) {
      a02 = mulAdd(a02, w0, x2);
      a03 = mulAdd(a03, w0, x3);
    }
    if (CO > 1) {
      const w1 = v128.load(wq, 16);
      a10 = mulAdd(a10, w1, x0);
      if (NV > 1) a11 = mulAdd(a11, w1, x1);
      if (NV > 2) {
        a12 = mulAdd(a12, w1, x2);
        a13 = mulAdd(a13, w1, x3);
      }
    }
    if (CO > 2) {
      const w2 = v128.load(wq, 32);
      const w3 = v128.load(wq, 48);
      a20 = mulAdd(a20, w2, x0);
      a30 = mulAdd(a30, w3, x0);
      if (NV > 1) {
        a21 = mulAdd(a21, w2, x1);
        a31 = mulAdd(a31, w3, x1);
      }
    }
    o += 4;
    wq += <usize>(CO << 4);
  }
  storeRow(dst, a00, a01, a02, a03, NV, lanes);
  if (CO > 1) storeRow(dst + ldd, a10, a11, a12, a13, NV, lanes);
  if (CO > 2) {
    storeRow(dst + 2 * ldd, a20, a21, a22, a23, NV, lanes);
    storeRow(dst + 3 * ldd, a30, a31, a32, a33, NV, lanes);
  }
}

// One row of `width` outputs for CO channels: the widest tile that fits, then single vectors, the
// last one partial. `src`/`dst` address output 0 of the row; outputs are 4 bytes apart in both.

function row4(nt: i32, src: usize, offs: usize, wts: usize, init: usize, dst: usize, ldd: usize, width: i32): void {
  let x = 0;
  for (; x + 8 <= width; x += 8) {
    const b = <usize>x << 2;
    tile(4, 2, nt, src + b, offs, wts, init, dst + b, ldd, 4);
  }
  for (; x < width; x += 4) {
    const b = <usize>x << 2;
    tile(4, 1, nt, src + b, offs, wts, init, dst + b, ldd, min<i32>(4, width - x));
  }
}

function row2(nt: i32, src: usize, offs: usize, wts: usize, init: usize, dst: usize, ldd: usize, width: i32): void {
  let x = 0;
  for (; x + 16 <= width; x += 16) {
    const b = <usize>x << 2;
    tile(2, 4, nt, src + b, offs, wts, init, dst + b, ldd, 4);
  }
  if (x + 8 <= width) {
    const b = <usize>x << 2;
    tile(2, 2, nt, src + b, offs, wts, init, dst + b, ldd, 4);
    x += 8;
  }
  for (; x < width; x += 4) {
    const b = <usize>x << 2;
    tile(2, 1, nt, src + b, offs, wts, init, dst + b, ldd, min<i32>(4, width - x));
  }
}

function row1(nt: i32, src: usize, offs: usize, wts: usize, init: usize, dst: usize, ldd: usize, width: i32): void {
  let x = 0;
  for (; x + 16 <= width; x += 16) {
    const b = <usize>x << 2;
    tile(1, 4, nt, src + b, offs, wts, init, dst + b, ldd, 4);
  }
  if (x + 8 <= width) {
    const b = <usize>x << 2;
    tile(1, 2, nt, src + b, offs, wts, init, dst + b, ldd, 4);
    x += 8;
  }
  for (; x < width; x += 4) {
    const b = <usize>x << 2;
    tile(1, 1, nt, src + b, offs, wts, init, dst + b, ldd, min<i32>(4, width - x));
  }
}

/** Channels a tile takes from `left` remaining ones: 4, 2 or 1 (the tiles that exist). */
// @ts-ignore: decorator
@inline
export function chunk(left: i32): i32 {
  return left >= 4 ? 4 : left >= 2 ? 2 : 1;
}

/**
 * A row of `width` outputs for `co` ∈ {1, 2, 4} channels (rows `ldd` bytes apart) from `nt` taps;
 * see tile() for the layouts.
 */
export function gatherRow(
  co: i32, nt: i32, src: usize, offs: usize, wts: usize, init: usize, dst: usize, ldd: usize, width: i32,
): void {
  if (co == 4) row4(nt, src, offs, wts, init, dst, ldd, width);
  else if (co == 2) row2(nt, src, offs, wts, init, dst, ldd, width);
  else row1(nt, src, offs, wts, init, dst, ldd, width);
}

/**
 * dw[c·ldw + t·4] = Σ_{r < rows, v < nv} dy[c·ldc + r·ldr + v·16 …] · x[offs[t] + r·ldx + v·16 …]
 * for c < CO, t < KT: dot products along the output for the filter gradient. dy's columns past
 * the row end are zero, so the taps that such columns read cancel.
 */
// @ts-ignore: decorator
@inline
function dots(
  CO: i32, KT: i32, rows: i32, nv: i32, x: usize, ldx: usize, offs: usize,
  dy: usize, ldr: usize, ldc: usize, dw: usize, ldw: usize,
): void {
  const z = f32x4.splat(0);
  const o0 = <usize>load<i32>(offs);
  const o1 = KT > 1 ? <usize>load<i32>(offs, 4) : 0;
  const o2 = KT > 2 ? <usize>load<i32>(offs, 8) : 0;
  const o3 = KT > 2 ? <usize>load<i32>(offs, 12) : 0;
  let a00 = z, a01 = z, a02 = z, a03 = z;
  let a10 = z, a11 = z, a12 = z, a13 = z;
  let a20 = z, a21 = z, a30 = z, a31 = z;
  const vb = <usize>nv << 4;
  for (let r = 0; r < rows; r++) {
    // Row pointers hoisted: each load in the loop then costs one add.
    const xr = x + <usize>r * ldx;
    const x0p = xr + o0, x1p = xr + o1, x2p = xr + o2, x3p = xr + o3;
    const d0p = dy + <usize>r * ldr;
    const d1p = d0p + ldc, d2p = d0p + 2 * ldc, d3p = d0p + 3 * ldc;
    for (let q: usize = 0; q < vb; q += 16) {
      const d0 = v128.load(d0p + q);
      let d1 = z, d2 = z, d3 = z;
      if (CO > 1) d1 = v128.load(d1p + q);
      if (CO > 2) {
        d2 = v128.load(d2p + q);
        d3 = v128.load(d3p + q);
      }
      const x0 = v128.load(x0p + q);
      a00 = mulAdd(a00, d0, x0);
      if (CO > 1) a10 = mulAdd(a10, d1, x0);
      if (CO > 2) {
        a20 = mulAdd(a20, d2, x0);
        a30 = mulAdd(a30, d3, x0);
      }
      if (KT > 1) {
        const x1 = v128.load(x1p + q);
        a01 = mulAdd(a01, d0, x1);
        if (CO > 1) a11 = mulAdd(a11, d1, x1);
        if (CO > 2) {
          a21 = mulAdd(a21, d2, x1);
          a31 = mulAdd(a31, d3, x1);
        }
      }
      if (KT > 2) {
        const x2 = v128.load(x2p + q);
        const x3 = v128.load(x3p + q);
        a02 = mulAdd(a02, d0, x2);
        a03 = mulAdd(a03, d0, x3);
        if (CO > 1) {
          a12 = mulAdd(a12, d1, x2);
          a13 = mulAdd(a13, d1, x3);
        }
      }
    }
  }
  // Each (c, t) gets exactly one dots() call per item, so the sums are stored, not added.
  if (KT == 4) {
    v128.store(dw, reduce4(a00, a01, a02, a03));
    if (CO > 1) v128.store(dw + ldw, reduce4(a10, a11, a12, a13));
  } else if (KT == 2) {
    const r = reduce4(a00, a01, a10, a11);
    v128.store64_lane(dw, r, 0);
    if (CO > 1) v128.store64_lane(dw + ldw, r, 1);
    if (CO > 2) {
      const q = reduce4(a20, a21, a30, a31);
      v128.store64_lane(dw + 2 * ldw, q, 0);
      v128.store64_lane(dw + 3 * ldw, q, 1);
    }
  } else {
    const r = reduce4(a00, a10, a20, a30);
    v128.store32_lane(dw, r, 0);
    if (CO > 1) v128.store32_lane(dw + ldw, r, 1);
    if (CO > 2) {
      v128.store32_lane(dw + 2 * ldw, r, 2);
      v128.store32_lane(dw + 3 * ldw, r, 3);
    }
  }
}

/** [Σ a, Σ b, Σ c, Σ d]: four horizontal sums in one shuffle tree, each in a fixed order. */
// @ts-ignore: decorator
@inline
function reduce4(a: v128, b: v128, c: v128, d: v128): v128 {
  const u = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const v = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u, v, 0, 1, 4, 5), v128.shuffle<f32>(u, v, 2, 3, 6, 7));
}


/**
 * The filter gradient of `co` ∈ {1, 2, 4} channels over all `kc` taps (see dots()): tiles of
 * 4 × 2, 2 × 4 or 1 × 4 channels × taps, then narrower ones for the last taps.
 */
export function dotRows(
  co: i32, kc: i32, rows: i32, nv: i32, x: usize, ldx: usize, offs: usize,
  dy: usize, ldr: usize, ldc: usize, dw: usize, ldw: usize,
): void {
  let k = 0;
  if (co == 4) {
    for (; k + 2 <= kc; k += 2) {
      dots(4, 2, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
    }
    if (k < kc) dots(4, 1, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
  } else if (co == 2) {
    for (; k + 4 <= kc; k += 4) {
      dots(2, 4, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
    }
    if (k + 2 <= kc) {
      dots(2, 2, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
      k += 2;
    }
    if (k < kc) dots(2, 1, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
  } else {
    for (; k + 4 <= kc; k += 4) {
      dots(1, 4, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
    }
    if (k + 2 <= kc) {
      dots(1, 2, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
      k += 2;
    }
    if (k < kc) dots(1, 1, rows, nv, x, ldx, offs + (<usize>k << 2), dy, ldr, ldc, dw + (<usize>k << 2), ldw);
  }
}
