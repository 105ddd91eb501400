import { type KernelTable, type Pool2DAttrs, pool2dGeometry } from '@igcnet/tensor/backend';
import { allocF32, f32 } from '../storage.js';

interface Geo {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

function geo(shape: readonly number[], a: Pool2DAttrs): Geo {
  const g = pool2dGeometry(shape, a);
  return { planes: g.n * g.c, h: g.h, w: g.w, oh: g.outH, ow: g.outW };
}

/** Visits each output cell with the clipped window [y0, y1) × [x0, x1) and the padded window size. */
function forEachWindow(
  g: Geo,
  a: Pool2DAttrs,
  fn: (
    p: number,
    oi: number,
    y0: number,
    y1: number,
    x0: number,
    x1: number,
    padded: number,
  ) => void,
): void {
  for (let p = 0; p < g.planes; p++) {
    for (let oy = 0; oy < g.oh; oy++) {
      const ys = oy * a.stride[0] - a.pad[0];
      const ye = Math.min(ys + a.kernel[0], g.h + a.pad[1]);
      for (let ox = 0; ox < g.ow; ox++) {
        const xs = ox * a.stride[1] - a.pad[2];
        const xe = Math.min(xs + a.kernel[1], g.w + a.pad[3]);
        const padded = (ye - ys) * (xe - xs);
        fn(
          p,
          (p * g.oh + oy) * g.ow + ox,
          Math.max(ys, 0),
          Math.min(ye, g.h),
          Math.max(xs, 0),
          Math.min(xe, g.w),
          padded,
        );
      }
    }
  }
}

function argmaxIn(
  xv: Float32Array,
  base: number,
  w: number,
  y0: number,
  y1: number,
  x0: number,
  x1: number,
): number {
  let best = Number.NEGATIVE_INFINITY;
  let bi = -1;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = base + y * w + x;
      const v = xv[i]!;
      if (v > best || bi < 0 || Number.isNaN(v)) {
        best = v;
        bi = i;
        if (Number.isNaN(v)) return bi;
      }
    }
  }
  return bi;
}

/** Pooling kernels of the CPU backend. */
export const poolKernels: KernelTable = {
  MaxPool: ({ inputs: { x }, attrs }) => {
    const g = geo(x.shape, attrs);
    const xv = f32(x);
    const { values: o, info } = allocF32([x.shape[0]!, x.shape[1]!, g.oh, g.ow]);
    forEachWindow(g, attrs, (p, oi, y0, y1, x0, x1) => {
      const i = argmaxIn(xv, p * g.h * g.w, g.w, y0, y1, x0, x1);
      o[oi] = i < 0 ? 0 : xv[i]!;
    });
    return info;
  },
  MaxPoolGrad: ({ inputs: { dy, x }, attrs }) => {
    const g = geo(x.shape, attrs);
    const xv = f32(x);
    const dv = f32(dy);
    const { values: dx, info } = allocF32(x.shape);
    forEachWindow(g, attrs, (p, oi, y0, y1, x0, x1) => {
      const i = argmaxIn(xv, p * g.h * g.w, g.w, y0, y1, x0, x1);
      if (i >= 0) dx[i] = dx[i]! + dv[oi]!;
    });
    return info;
  },
  AvgPool: ({ inputs: { x }, attrs }) => {
    const g = geo(x.shape, attrs);
    const xv = f32(x);
    const { values: o, info } = allocF32([x.shape[0]!, x.shape[1]!, g.oh, g.ow]);
    forEachWindow(g, attrs, (p, oi, y0, y1, x0, x1, padded) => {
      const base = p * g.h * g.w;
      let s = 0;
      for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) s += xv[base + y * g.w + xx]!;
      const count = attrs.countIncludePad ? padded : (y1 - y0) * (x1 - x0);
      o[oi] = count > 0 ? s / count : 0;
    });
    return info;
  },
  AvgPoolGrad: ({ inputs: { dy }, attrs }) => {
    const g = geo(attrs.inputShape, attrs);
    const dv = f32(dy);
    const { values: dx, info } = allocF32(attrs.inputShape);
    forEachWindow(g, attrs, (p, oi, y0, y1, x0, x1, padded) => {
      const count = attrs.countIncludePad ? padded : (y1 - y0) * (x1 - x0);
      if (count === 0) return;
      const d = dv[oi]! / count;
      const base = p * g.h * g.w;
      for (let y = y0; y < y1; y++) {
        for (let xx = x0; xx < x1; xx++) dx[base + y * g.w + xx] = dx[base + y * g.w + xx]! + d;
      }
    });
    return info;
  },
};
