/**
 * Pooling, NCHW. Forward: one thread per output. Backward: one thread per input element that
 * gathers from the windows covering it (no atomics, no scatter), re-deriving each window's first
 * maximum for MaxPoolGrad exactly as the forward pass chose it.
 */
import { type KernelTable, type Pool2DAttrs, pool2dGeometry, sizeOf } from '@igcnet/tensor/backend';
import type { Program } from '../exec/executor.js';
import { gpu, grid1d, LINEAR_ARGS, LINEAR_INDEX, SPECIAL_FLOATS, storage } from './common.js';

const poolFields = {
  n: 'i32',
  h: 'i32',
  w: 'i32',
  oh: 'i32',
  ow: 'i32',
  kh: 'i32',
  kw: 'i32',
  sh: 'i32',
  sw: 'i32',
  pt: 'i32',
  pb: 'i32',
  pl: 'i32',
  pr: 'i32',
  includePad: 'i32',
} as const;

/** WGSL helpers: the first maximum's flat index in a plane (−1 for an empty window) and window counts. */
const WINDOW = `fn argmaxWindow(base: i32, oy: i32, ox: i32) -> i32 {
  let ys = oy * P.sh - P.pt; let xs = ox * P.sw - P.pl;
  let y0 = max(ys, 0); let y1 = min(ys + P.kh, P.h);
  let x0 = max(xs, 0); let x1 = min(xs + P.kw, P.w);
  var best = 0.0; var bi = -1;
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) {
      let j = base + y * P.w + x;
      let v = X[j];
      if (bi < 0 || v > best || isNan(v)) {
        best = v; bi = j;
        if (isNan(v)) { return bi; }
      }
    }
  }
  return bi;
}
fn windowCount(oy: i32, ox: i32) -> f32 {
  let ys = oy * P.sh - P.pt; let xs = ox * P.sw - P.pl;
  let ye = min(ys + P.kh, P.h + P.pb); let xe = min(xs + P.kw, P.w + P.pr);
  if (P.includePad != 0) { return f32((ye - ys) * (xe - xs)); }
  return f32((min(ye, P.h) - max(ys, 0)) * (min(xe, P.w) - max(xs, 0)));
}
`;

/** WGSL: the output windows (oy0..oy1, ox0..ox1) that cover input (iy, ix). */
const COVER = `
  let ay = iy + P.pt - P.kh + 1; var oy0 = 0; if (ay > 0) { oy0 = (ay + P.sh - 1) / P.sh; }
  let ax = ix + P.pl - P.kw + 1; var ox0 = 0; if (ax > 0) { ox0 = (ax + P.sw - 1) / P.sw; }
  let oy1 = min(P.oh - 1, (iy + P.pt) / P.sh);
  let ox1 = min(P.ow - 1, (ix + P.pl) / P.sw);`;

function program(kind: 'max' | 'avg' | 'maxGrad' | 'avgGrad'): Program<typeof poolFields> {
  let bindings: string;
  let body: string;
  switch (kind) {
    case 'max':
    case 'avg':
      bindings = storage(0, 'X', 'f32') + storage(1, 'O', 'f32', true);
      body = `
  let ox = i % P.ow; let t = i / P.ow; let oy = t % P.oh; let p = t / P.oh;
  let base = p * P.h * P.w;
  ${
    kind === 'max'
      ? `let j = argmaxWindow(base, oy, ox);
  O[i] = select(0.0, X[max(j, 0)], j >= 0);`
      : `let ys = oy * P.sh - P.pt; let xs = ox * P.sw - P.pl;
  var s = 0.0;
  for (var y = max(ys, 0); y < min(ys + P.kh, P.h); y++) {
    for (var x = max(xs, 0); x < min(xs + P.kw, P.w); x++) { s += X[base + y * P.w + x]; }
  }
  let c = windowCount(oy, ox);
  O[i] = select(0.0, s / c, c > 0.0);`
  }`;
      break;
    case 'maxGrad':
      bindings = storage(0, 'DY', 'f32') + storage(1, 'X', 'f32') + storage(2, 'O', 'f32', true);
      body = `
  let ix = i % P.w; let t = i / P.w; let iy = t % P.h; let p = t / P.h;
  let base = p * P.h * P.w;
  ${COVER}
  var s = 0.0;
  for (var oy = oy0; oy <= oy1; oy++) {
    for (var ox = ox0; ox <= ox1; ox++) {
      if (argmaxWindow(base, oy, ox) == i) { s += DY[(p * P.oh + oy) * P.ow + ox]; }
    }
  }
  O[i] = s;`;
      break;
    case 'avgGrad':
      bindings = storage(0, 'DY', 'f32') + storage(1, 'O', 'f32', true);
      body = `
  let ix = i % P.w; let t = i / P.w; let iy = t % P.h; let p = t / P.h;
  ${COVER}
  var s = 0.0;
  for (var oy = oy0; oy <= oy1; oy++) {
    for (var ox = ox0; ox <= ox1; ox++) {
      let c = windowCount(oy, ox);
      if (c > 0.0) { s += DY[(p * P.oh + oy) * P.ow + ox] / c; }
    }
  }
  O[i] = s;`;
      break;
  }
  const helpers = kind === 'avgGrad' ? WINDOW.replace(/fn argmaxWindow[\s\S]*?\n}\n/, '') : WINDOW;
  return {
    key: `pool:${kind}`,
    fields: poolFields,
    code: (u) => `const WG = 256u;
${bindings}${u}${SPECIAL_FLOATS}${helpers}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }${body}
}`,
  };
}

function values(xShape: readonly number[], a: Pool2DAttrs, n: number, includePad: boolean) {
  const { h, w, outH, outW } = pool2dGeometry(xShape, a);
  return {
    n,
    h,
    w,
    oh: outH,
    ow: outW,
    kh: a.kernel[0],
    kw: a.kernel[1],
    sh: a.stride[0],
    sw: a.stride[1],
    pt: a.pad[0],
    pb: a.pad[1],
    pl: a.pad[2],
    pr: a.pad[3],
    includePad: includePad ? 1 : 0,
  };
}

function outShape(xShape: readonly number[], a: Pool2DAttrs): number[] {
  const v = values(xShape, a, 0, false);
  return [xShape[0]!, xShape[1]!, v.oh, v.ow];
}

/** Pooling kernels of the WebGPU backend. */
export const poolKernels: KernelTable = {
  MaxPool: ({ inputs: { x }, attrs, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(outShape(x.shape, attrs), 'float32');
    const n = sizeOf(out.shape);
    g.run(program('max'), [g.buf(x), g.buf(out)], values(x.shape, attrs, n, false), grid1d(n));
    return out;
  },
  AvgPool: ({ inputs: { x }, attrs, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(outShape(x.shape, attrs), 'float32');
    const n = sizeOf(out.shape);
    g.run(
      program('avg'),
      [g.buf(x), g.buf(out)],
      values(x.shape, attrs, n, attrs.countIncludePad),
      grid1d(n),
    );
    return out;
  },
  MaxPoolGrad: ({ inputs: { dy, x }, attrs, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, 'float32');
    const n = sizeOf(out.shape);
    g.run(
      program('maxGrad'),
      [g.buf(dy), g.buf(x), g.buf(out)],
      values(x.shape, attrs, n, false),
      grid1d(n),
    );
    return out;
  },
  AvgPoolGrad: ({ inputs: { dy }, attrs, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(attrs.inputShape, 'float32');
    const n = sizeOf(out.shape);
    g.run(
      program('avgGrad'),
      [g.buf(dy), g.buf(out)],
      values(attrs.inputShape, attrs, n, attrs.countIncludePad),
      grid1d(n),
    );
    return out;
  },
};
