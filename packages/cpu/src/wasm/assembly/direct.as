// AssemblyScript: direct 1×1 kernels for small groups, where packing for a GEMM with K = 4
// would cost more than the arithmetic (see gemm.as for conventions).

/** y[co, p] = Σ_ci w[co, ci] · x[ci, p] for one group; w rows have stride ldw floats. */
export function pointwise(x: usize, cinG: i32, coutG: i32, hw: i32, wg: usize, ldw: i32, y: usize): void {
  const hwb = <usize>hw << 2;
  let p = 0;
  for (; p + 16 <= hw; p += 16) {
    const xp = x + (<usize>p << 2);
    const yp = y + (<usize>p << 2);
    for (let co = 0; co < coutG; co++) {
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let xr = xp;
      const wr = wg + ((<usize>co * ldw) << 2);
      for (let ci = 0; ci < cinG; ci++) {
        const s = v128.load32_splat(wr + (<usize>ci << 2));
        a0 = f32x4.add(a0, f32x4.mul(s, v128.load(xr)));
        a1 = f32x4.add(a1, f32x4.mul(s, v128.load(xr, 16)));
        a2 = f32x4.add(a2, f32x4.mul(s, v128.load(xr, 32)));
        a3 = f32x4.add(a3, f32x4.mul(s, v128.load(xr, 48)));
        xr += hwb;
      }
      const yr = yp + <usize>co * hwb;
      v128.store(yr, a0);
      v128.store(yr, a1, 16);
      v128.store(yr, a2, 32);
      v128.store(yr, a3, 48);
    }
  }
  for (; p < hw; p++) {
    for (let co = 0; co < coutG; co++) {
      let acc: f32 = 0;
      const wr = wg + ((<usize>co * ldw) << 2);
      for (let ci = 0; ci < cinG; ci++) {
        acc += load<f32>(wr + (<usize>ci << 2)) * load<f32>(x + <usize>ci * hwb + (<usize>p << 2));
      }
      store<f32>(y + <usize>co * hwb + (<usize>p << 2), acc);
    }
  }
}

/** dw[co, ci] += Σ_p dy[co, p] · x[ci, p] for one group (dw rows have stride ldw floats). */
export function pointwiseFilter(x: usize, dy: usize, cinG: i32, coutG: i32, hw: i32, dw: usize, ldw: i32): void {
  const hwb = <usize>hw << 2;
  for (let co = 0; co < coutG; co++) {
    const dr = dy + <usize>co * hwb;
    for (let ci = 0; ci < cinG; ci++) {
      const xr = x + <usize>ci * hwb;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let p = 0;
      for (; p + 8 <= hw; p += 8) {
        const o = <usize>p << 2;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(dr + o), v128.load(xr + o)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(dr + o, 16), v128.load(xr + o, 16)));
      }
      const s = f32x4.add(a0, a1);
      let acc: f32 =
        f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
      for (; p < hw; p++) acc += load<f32>(dr + (<usize>p << 2)) * load<f32>(xr + (<usize>p << 2));
      const d = dw + ((<usize>co * ldw + ci) << 2);
      store<f32>(d, load<f32>(d) + acc);
    }
  }
}
