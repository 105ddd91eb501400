// AssemblyScript: im2col / col2im for one image and one group (see gemm.as for conventions).

/**
 * col[(ci·kh + ky)·kw + kx, oy·outW + ox] = x[ci, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw],
 * zero outside the image. Negative padding (used by the stride-1 backprop-input transform) works.
 */
export function im2col(
  x: usize, cinG: i32, h: i32, w: i32, kh: i32, kw: i32, outH: i32, outW: i32,
  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, col: usize,
): void {
  let dst = col;
  for (let ci = 0; ci < cinG; ci++) {
    const xc = x + ((<usize>ci * h * w) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        // Output columns whose input column lies inside [0, w).
        const off = kx * dw - pl;
        let oxa = off >= 0 ? 0 : (-off + sw - 1) / sw;
        let oxb = w - off > 0 ? (w - off + sw - 1) / sw : 0;
        if (oxb > outW) oxb = outW;
        if (oxa > oxb) oxa = oxb;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) {
            memory.fill(dst, 0, <usize>outW << 2);
          } else {
            const row = xc + ((<usize>iy * w) << 2);
            if (oxa > 0) memory.fill(dst, 0, <usize>oxa << 2);
            if (sw == 1) {
              memory.copy(dst + (<usize>oxa << 2), row + (<usize>(oxa + off) << 2), <usize>(oxb - oxa) << 2);
            } else {
              for (let ox = oxa; ox < oxb; ox++) {
                store<f32>(dst + (<usize>ox << 2), load<f32>(row + (<usize>(ox * sw + off) << 2)));
              }
            }
            if (oxb < outW) memory.fill(dst + (<usize>oxb << 2), 0, <usize>(outW - oxb) << 2);
          }
          dst += <usize>outW << 2;
        }
      }
    }
  }
}

/** The adjoint of im2col: x[ci, iy, ix] += col[...] for every window position that reads it. */
export function col2imAdd(
  col: usize, cinG: i32, h: i32, w: i32, kh: i32, kw: i32, outH: i32, outW: i32,
  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, x: usize,
): void {
  let src = col;
  for (let ci = 0; ci < cinG; ci++) {
    const xc = x + ((<usize>ci * h * w) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const off = kx * dw - pl;
        let oxa = off >= 0 ? 0 : (-off + sw - 1) / sw;
        let oxb = w - off > 0 ? (w - off + sw - 1) / sw : 0;
        if (oxb > outW) oxb = outW;
        if (oxa > oxb) oxa = oxb;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy >= 0 && iy < h) {
            const row = xc + ((<usize>iy * w) << 2);
            for (let ox = oxa; ox < oxb; ox++) {
              const d = row + (<usize>(ox * sw + off) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>ox << 2)));
            }
          }
          src += <usize>outW << 2;
        }
      }
    }
  }
}
