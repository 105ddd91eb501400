// AssemblyScript: stride-1 convolution as an implicit GEMM over a zero-padded copy of one image
// group, so no im2col matrix is built. In the padded plane (Hp × Wp per channel) the window tap
// k = (ci, ky, kx) of output (oy, ox) is at offs[k] + oy·Wp + ox, so 8 neighbouring outputs of a
// row read 8 contiguous floats: the forward kernel loads its B vectors straight from the plane.
import { MR, NR } from './gemm';

/** Row length of the padded plane: outputs are computed 8 at a time, so reads run past outW. */
// @ts-ignore: decorator
@inline
export function paddedWidth(outW: i32, kw: i32, dw: i32): i32 {
  return ((outW + NR - 1) & ~(NR - 1)) + (kw - 1) * dw;
}

/** Rows of the padded plane. */
// @ts-ignore: decorator
@inline
export function paddedHeight(outH: i32, kh: i32, dh: i32): i32 {
  return outH + (kh - 1) * dh;
}

/** Floats of slack after the planes: the dot kernels read up to one row and a vector past them. */
// @ts-ignore: decorator
@inline
export function planeSlack(wp: i32): i32 {
  return wp + 2 * NR;
}

/** xpad[ci, r, c] = x[ci, r − pt, c − pl] inside the image, else 0 (the slack is zeroed too). */
export function padPlanes(
  x: usize, cinG: i32, h: i32, w: i32, pt: i32, pl: i32, hp: i32, wp: i32, xpad: usize,
): void {
  let d = xpad;
  const wpb = <usize>wp << 2;
  // Columns c of the padded row that hold image columns: c − pl ∈ [0, w).
  let ca = pl > 0 ? pl : 0;
  let cb = w + pl < wp ? w + pl : wp;
  if (cb < ca) cb = ca;
  for (let ci = 0; ci < cinG; ci++) {
    const xc = x + ((<usize>ci * h * w) << 2);
    for (let r = 0; r < hp; r++) {
      const iy = r - pt;
      if (iy < 0 || iy >= h || cb == ca) {
        memory.fill(d, 0, wpb);
      } else {
        if (ca > 0) memory.fill(d, 0, <usize>ca << 2);
        memory.copy(d + (<usize>ca << 2), xc + ((<usize>iy * w + (ca - pl)) << 2), <usize>(cb - ca) << 2);
        if (cb < wp) memory.fill(d + (<usize>cb << 2), 0, <usize>(wp - cb) << 2);
      }
      d += wpb;
    }
  }
  memory.fill(d, 0, <usize>planeSlack(wp) << 2);
}

/** offs[(ci·kh + ky)·kw + kx] = byte offset of that tap in the padded planes. */
export function tapOffsets(cinG: i32, kh: i32, kw: i32, dh: i32, dw: i32, hp: i32, wp: i32, offs: usize): void {
  let o = offs;
  for (let ci = 0; ci < cinG; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        store<i32>(o, (ci * hp * wp + ky * dh * wp + kx * dw) << 2);
        o += 4;
      }
    }
  }
}

/** C tile (MR × NR) = packed A panel · the taps of 8 outputs starting at `src`. */
// @ts-ignore: decorator
@inline
function microTaps(kc: i32, pa: usize, src: usize, offs: usize, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let kk = 0; kk < kc; kk++) {
    const b = src + <usize>load<i32>(offs);
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
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
    offs += 4;
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

/**
 * y[co, oy, ox] = Σ_k A[co, k] · xpad[offs[k] + oy·Wp + ox] for one group, with A packed in
 * MR-row panels (packA layout). Full tiles store straight into y; edges go through `tmp`.
 */
export function forwardTaps(
  pa: usize, coutG: i32, kc: i32, xpad: usize, offs: usize, wp: i32,
  outH: i32, outW: i32, y: usize, tmp: usize,
): void {
  const ohw = outH * outW;
  const ldc = <usize>ohw << 2;
  for (let oy = 0; oy < outH; oy++) {
    const row = xpad + ((<usize>oy * wp) << 2);
    for (let ox = 0; ox < outW; ox += NR) {
      const cols = min<i32>(NR, outW - ox);
      const src = row + (<usize>ox << 2);
      for (let ip = 0; ip < coutG; ip += MR) {
        const rows = min<i32>(MR, coutG - ip);
        const pai = pa + <usize>(ip * kc) * 4;
        const c = y + ((<usize>ip * ohw + oy * outW + ox) << 2);
        if (rows == MR && cols == NR) {
          microTaps(kc, pai, src, offs, c, ldc);
        } else {
          microTaps(kc, pai, src, offs, tmp, NR * 4);
          for (let r = 0; r < rows; r++) {
            for (let q = 0; q < cols; q++) {
              store<f32>(c + <usize>r * ldc + (<usize>q << 2), load<f32>(tmp + ((r * NR + q) << 2)));
            }
          }
        }
      }
    }
  }
}

/** dyp[co, oy·Wp + ox] = dy[co, oy, ox] for ox < outW, else 0; rows padded to `qs` floats. */
export function padGrad(dy: usize, coutG: i32, outH: i32, outW: i32, wp: i32, qs: i32, dyp: usize): void {
  memory.fill(dyp, 0, <usize>(coutG * qs) << 2);
  for (let co = 0; co < coutG; co++) {
    for (let oy = 0; oy < outH; oy++) {
      memory.copy(
        dyp + ((<usize>co * qs + oy * wp) << 2),
        dy + ((<usize>(co * outH + oy) * outW) << 2),
        <usize>outW << 2,
      );
    }
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * dw[co, k] += Σ_q dyp[co, q] · xpad[offs[k] + q] over q < qs (a multiple of 4): the filter
 * gradient as dot products along the padded output, where dyp's zero columns cancel the taps
 * that fall outside the image. Tiles of 2 taps × 4 output channels keep 8 accumulators.
 */
export function filterTaps(
  xpad: usize, offs: usize, kc: i32, dyp: usize, coutG: i32, qs: i32, dw: usize,
): void {
  const qsb = <usize>qs << 2;
  const ldw = <usize>kc << 2;
  let k = 0;
  for (; k + 2 <= kc; k += 2) {
    const x0 = xpad + <usize>load<i32>(offs + (<usize>k << 2));
    const x1 = xpad + <usize>load<i32>(offs + (<usize>k << 2), 4);
    let co = 0;
    for (; co + 4 <= coutG; co += 4) {
      const d0 = dyp + <usize>co * qsb;
      let a00 = f32x4.splat(0);
      let a01 = f32x4.splat(0);
      let a02 = f32x4.splat(0);
      let a03 = f32x4.splat(0);
      let a10 = f32x4.splat(0);
      let a11 = f32x4.splat(0);
      let a12 = f32x4.splat(0);
      let a13 = f32x4.splat(0);
      for (let q: usize = 0; q < qsb; q += 16) {
        const u = v128.load(x0 + q);
        const v = v128.load(x1 + q);
        const g0 = v128.load(d0 + q);
        const g1 = v128.load(d0 + qsb + q);
        const g2 = v128.load(d0 + 2 * qsb + q);
        const g3 = v128.load(d0 + 3 * qsb + q);
        a00 = f32x4.add(a00, f32x4.mul(u, g0));
        a01 = f32x4.add(a01, f32x4.mul(u, g1));
        a02 = f32x4.add(a02, f32x4.mul(u, g2));
        a03 = f32x4.add(a03, f32x4.mul(u, g3));
        a10 = f32x4.add(a10, f32x4.mul(v, g0));
        a11 = f32x4.add(a11, f32x4.mul(v, g1));
        a12 = f32x4.add(a12, f32x4.mul(v, g2));
        a13 = f32x4.add(a13, f32x4.mul(v, g3));
      }
      const w0 = dw + <usize>co * ldw + (<usize>k << 2);
      store<f32>(w0, load<f32>(w0) + hsum(a00));
      store<f32>(w0 + ldw, load<f32>(w0 + ldw) + hsum(a01));
      store<f32>(w0 + 2 * ldw, load<f32>(w0 + 2 * ldw) + hsum(a02));
      store<f32>(w0 + 3 * ldw, load<f32>(w0 + 3 * ldw) + hsum(a03));
      store<f32>(w0 + 4, load<f32>(w0 + 4) + hsum(a10));
      store<f32>(w0 + ldw + 4, load<f32>(w0 + ldw + 4) + hsum(a11));
      store<f32>(w0 + 2 * ldw + 4, load<f32>(w0 + 2 * ldw + 4) + hsum(a12));
      store<f32>(w0 + 3 * ldw + 4, load<f32>(w0 + 3 * ldw + 4) + hsum(a13));
    }
    for (; co < coutG; co++) {
      dotInto(x0, dyp + <usize>co * qsb, qsb, dw + <usize>co * ldw + (<usize>k << 2));
      dotInto(x1, dyp + <usize>co * qsb, qsb, dw + <usize>co * ldw + (<usize>(k + 1) << 2));
    }
  }
  for (; k < kc; k++) {
    const x0 = xpad + <usize>load<i32>(offs + (<usize>k << 2));
    for (let co = 0; co < coutG; co++) dotInto(x0, dyp + <usize>co * qsb, qsb, dw + <usize>co * ldw + (<usize>k << 2));
  }
}

/** *out += Σ a[q]·b[q] over qsb bytes (a multiple of 16). */
function dotInto(a: usize, b: usize, qsb: usize, out: usize): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let q: usize = 0;
  for (; q + 32 <= qsb; q += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + q), v128.load(b + q)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + q, 16), v128.load(b + q, 16)));
  }
  if (q < qsb) s0 = f32x4.add(s0, f32x4.mul(v128.load(a + q), v128.load(b + q)));
  store<f32>(out, load<f32>(out) + hsum(f32x4.add(s0, s1)));
}
