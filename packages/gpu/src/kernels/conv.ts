/**
 * Convolutions as implicit GEMMs with a group grid dimension (DESIGN.md). Depthwise convs run the
 * strip kernels of conv_depthwise.ts; other groups of few channels (where a tile would be mostly
 * empty) run the direct kernels of conv_small.ts first:
 * - forward: M = N·OH·OW, N = Cout/G, K = Cin/G·kh·kw, A read by im2col addressing;
 * - backward data: M = N·H·W, N = Cin/G, K = Cout/G·kh·kw (dy gathered through the stride);
 * - backward filter: M = Cin/G·kh·kw, N = Cout/G, K = N·OH·OW (dwᵀ), split over K.
 * 1×1 / stride 1 / no padding run as plain batched matmuls (no window arithmetic). The forward
 * epilogue fuses bias, inference BN and ReLU; the IGC interleave before and after it is an index
 * remap (`sIn`, `sOut`), so a shuffled input or output moves no data.
 */
import {
  type Conv2DAttrs,
  conv2dGeometry,
  isPointwise,
  type KernelTable,
  type TensorInfo,
} from '@igcnet/tensor/backend';
import type { WebGpuBackend } from '../backend.js';
import { gpu, storage } from './common.js';
import {
  tryDepthwiseBackData,
  tryDepthwiseBackFilter,
  tryDepthwiseForward,
} from './conv_depthwise.js';
import {
  CHANNELS,
  CONV_FIELDS,
  type ConvFields,
  convUniforms,
  type Epilogue,
  epilogueFn,
  epilogueInputs,
} from './conv_shared.js';
import { trySmallConvBackData, trySmallConvBackFilter, trySmallConvForward } from './conv_small.js';
import { type GemmSpec, runGemm } from './gemm.js';

function forwardSpec(pointwise: boolean, ep: Epilogue): GemmSpec<ConvFields> {
  const inputs = storage(0, 'X', 'f32') + storage(1, 'Wt', 'f32') + epilogueInputs(ep, 2).wgsl;
  const srcChannel = 'let src = srcCh(g * P.cinG + ci);';
  const readA = pointwise
    ? `struct RowA { base: i32 }
fn rowA(g: i32, m: i32) -> RowA { let hw = P.h * P.w; return RowA(m / hw * P.cin * hw + m % hw); }
fn readA(r: RowA, g: i32, k: i32) -> f32 {
  let ci = k;
  ${srcChannel}
  return X[r.base + src * P.h * P.w];
}`
    : `struct RowA { base: i32, iy0: i32, ix0: i32 }
fn rowA(g: i32, m: i32) -> RowA {
  let ox = m % P.ow; let t = m / P.ow; let oy = t % P.oh; let n = t / P.oh;
  return RowA(n * P.cin * P.h * P.w, oy * P.sh - P.pt, ox * P.sw - P.pl);
}
fn readA(r: RowA, g: i32, k: i32) -> f32 {
  let kx = k % P.kw; let t2 = k / P.kw; let ky = t2 % P.kh; let ci = t2 / P.kh;
  let iy = r.iy0 + ky * P.dh;
  let ix = r.ix0 + kx * P.dw;
  if (iy < 0 || iy >= P.h || ix < 0 || ix >= P.w) { return 0.0; }
  ${srcChannel}
  return X[r.base + (src * P.h + iy) * P.w + ix];
}`;
  return {
    key: `conv-fwd:${pointwise ? '1x1' : 'kxk'}:${ep.bias ? 'b' : ''}${ep.bn ? 'n' : ''}${ep.relu ? 'r' : ''}`,
    fields: CONV_FIELDS,
    inputs,
    functions: `${CHANNELS}${readA}
struct ColB { base: i32 }
fn colB(g: i32, j: i32) -> ColB { return ColB((g * P.coutG + j) * P.K); }
fn readB(c: ColB, g: i32, k: i32) -> f32 { return Wt[c.base + k]; }
fn outIndex(g: i32, m: i32, j: i32) -> i32 {
  let ohw = P.oh * P.ow;
  return (m / ohw * P.cout + dstCh(g * P.coutG + j)) * ohw + m % ohw;
}
${epilogueFn(ep)}
fn epilogue(g: i32, m: i32, j: i32, v: f32) -> f32 { return applyEpilogue(g * P.coutG + j, v); }`,
    hasEpilogue: ep.bias || ep.bn || ep.relu,
    aKFast: false,
    bKFast: true,
    // Filter rows start at multiples of K.
    readB4: {
      input: 1,
      view: 'Wt4',
      code: 'fn readB4(c: ColB, g: i32, k: i32) -> vec4<f32> { return Wt4[(c.base + k) / 4]; }',
    },
  };
}

function backDataSpec(pointwise: boolean): GemmSpec<ConvFields> {
  const readA = pointwise
    ? `struct RowA { base: i32 }
fn rowA(g: i32, m: i32) -> RowA {
  let hw = P.h * P.w;
  return RowA(m / hw * P.cout * hw + m % hw);
}
fn readA(r: RowA, g: i32, k: i32) -> f32 { return DY[r.base + dstCh(g * P.coutG + k) * P.h * P.w]; }`
    : `struct RowA { base: i32, ty0: i32, tx0: i32 }
fn rowA(g: i32, m: i32) -> RowA {
  let ix = m % P.w; let t = m / P.w; let iy = t % P.h; let n = t / P.h;
  return RowA(n * P.cout * P.oh * P.ow, iy + P.pt, ix + P.pl);
}
fn readA(r: RowA, g: i32, k: i32) -> f32 {
  let kx = k % P.kw; let t2 = k / P.kw; let ky = t2 % P.kh; let co = t2 / P.kh;
  let ty = r.ty0 - ky * P.dh;
  let tx = r.tx0 - kx * P.dw;
  if (ty < 0 || tx < 0 || ty % P.sh != 0 || tx % P.sw != 0) { return 0.0; }
  let oy = ty / P.sh; let ox = tx / P.sw;
  if (oy >= P.oh || ox >= P.ow) { return 0.0; }
  return DY[r.base + (dstCh(g * P.coutG + co) * P.oh + oy) * P.ow + ox];
}`;
  return {
    key: `conv-bwd-data:${pointwise ? '1x1' : 'kxk'}`,
    fields: CONV_FIELDS,
    inputs: storage(0, 'DY', 'f32') + storage(1, 'Wt', 'f32'),
    functions: `${CHANNELS}${readA}
struct ColB { base: i32 }
fn colB(g: i32, j: i32) -> ColB { return ColB((g * P.coutG * P.cinG + j) * P.kh * P.kw); }
fn readB(c: ColB, g: i32, k: i32) -> f32 {
  let khw = P.kh * P.kw;
  return Wt[c.base + k / khw * P.cinG * khw + k % khw];
}
fn outIndex(g: i32, m: i32, j: i32) -> i32 {
  let hw = P.h * P.w;
  return (m / hw * P.cin + srcCh(g * P.cinG + j)) * hw + m % hw;
}`,
    hasEpilogue: false,
    aKFast: false,
    bKFast: false,
  };
}

/**
 * dwᵀ per group as a GEMM: rows are filter taps (ci, ky, kx) — the longer side, so tiles fill —
 * columns are output channels, K runs over images × pixels.
 */
function backFilterSpec(pointwise: boolean): GemmSpec<ConvFields> {
  const xSide = pointwise
    ? `struct RowA { base: i32 }
fn rowA(g: i32, j: i32) -> RowA { return RowA(srcCh(g * P.cinG + j) * P.h * P.w); }
fn readA(r: RowA, g: i32, k: i32) -> f32 {
  let hw = P.h * P.w;
  return X[k / hw * P.cin * hw + r.base + k % hw];
}`
    : `struct RowA { base: i32, dy: i32, dx: i32 }
fn rowA(g: i32, j: i32) -> RowA {
  let kx = j % P.kw; let t2 = j / P.kw; let ky = t2 % P.kh; let ci = t2 / P.kh;
  return RowA(srcCh(g * P.cinG + ci) * P.h * P.w, ky * P.dh - P.pt, kx * P.dw - P.pl);
}
fn readA(r: RowA, g: i32, k: i32) -> f32 {
  let ox = k % P.ow; let t = k / P.ow; let oy = t % P.oh; let n = t / P.oh;
  let iy = oy * P.sh + r.dy;
  let ix = ox * P.sw + r.dx;
  if (iy < 0 || iy >= P.h || ix < 0 || ix >= P.w) { return 0.0; }
  return X[n * P.cin * P.h * P.w + r.base + iy * P.w + ix];
}`;
  return {
    key: `conv-bwd-filter:${pointwise ? '1x1' : 'kxk'}`,
    fields: CONV_FIELDS,
    inputs: storage(0, 'DY', 'f32') + storage(1, 'X', 'f32'),
    functions: `${CHANNELS}${xSide}
struct ColB { base: i32 }
fn colB(g: i32, co: i32) -> ColB { return ColB(dstCh(g * P.coutG + co) * P.oh * P.ow); }
fn readB(c: ColB, g: i32, k: i32) -> f32 {
  let ohw = P.oh * P.ow;
  return DY[c.base + k / ohw * P.cout * ohw + k % ohw];
}
fn outIndex(g: i32, j: i32, co: i32) -> i32 { return (g * P.coutG + co) * P.M + j; }`,
    hasEpilogue: false,
    aKFast: true,
    bKFast: true,
    // k…k+3 stay in one image plane (and aligned) when H·W (OH·OW for dy) is a multiple of 4.
    readA4: pointwise
      ? {
          input: 1,
          view: 'X4',
          code: `fn readA4(r: RowA, g: i32, k: i32) -> vec4<f32> {
  let hw = P.h * P.w;
  return X4[(k / hw * P.cin * hw + r.base + k % hw) / 4];
}`,
        }
      : undefined,
    readB4: {
      input: 0,
      view: 'DY4',
      code: `fn readB4(c: ColB, g: i32, k: i32) -> vec4<f32> {
  let ohw = P.oh * P.ow;
  return DY4[(c.base + k / ohw * P.cout * ohw + k % ohw) / 4];
}`,
    },
  };
}

/** Optional inputs of the fused forward convolution. */
export interface FusedInputs {
  bias?: TensorInfo;
  bn?: { gamma: TensorInfo; beta: TensorInfo; mean: TensorInfo; variance: TensorInfo; eps: number };
  relu?: boolean;
  /** Groups of a channelShuffle applied to x before the conv (folded into its reads). */
  inShuffle?: number;
  /** Groups of a channelShuffle applied to the result (folded into its writes). */
  outShuffle?: number;
}

/** The forward convolution with everything its epilogue and indexing can fuse. */
export function convForward(
  g: WebGpuBackend,
  x: TensorInfo,
  w: TensorInfo,
  attrs: Conv2DAttrs,
  f: FusedInputs = {},
): TensorInfo {
  const s = conv2dGeometry(x.shape, w.shape, attrs);
  const out = g.alloc([s.n, s.cout, s.outH, s.outW], 'float32');
  const ep: Epilogue = {
    bias: f.bias !== undefined,
    bn: f.bn !== undefined,
    relu: f.relu === true,
  };
  const inputs = [g.buf(x), g.buf(w)];
  if (f.bias) inputs.push(g.buf(f.bias));
  if (f.bn)
    inputs.push(g.buf(f.bn.gamma), g.buf(f.bn.beta), g.buf(f.bn.mean), g.buf(f.bn.variance));
  const sh = { sIn: f.inShuffle ?? 1, sOut: f.outShuffle ?? 1 };
  if (tryDepthwiseForward(g, s, ep, inputs, g.buf(out), sh, f.bn?.eps ?? 0)) return out;
  if (trySmallConvForward(g, s, ep, inputs, g.buf(out), sh, f.bn?.eps ?? 0)) return out;
  const cinG = s.cin / s.groups;
  runGemm(
    g,
    forwardSpec(isPointwise(s), ep),
    inputs,
    g.buf(out),
    {
      M: s.n * s.outH * s.outW,
      N: s.cout / s.groups,
      K: cinG * s.kh * s.kw,
      batch: s.groups,
      total: s.n * s.cout * s.outH * s.outW,
      allowSplit: false,
    },
    convUniforms(s, f.inShuffle ?? 1, f.outShuffle ?? 1, f.bn?.eps ?? 0),
    { a: false, b: true },
  );
  return out;
}

function shuffles(attrs: Conv2DAttrs): [number, number] {
  return [attrs.inShuffle ?? 1, attrs.outShuffle ?? 1];
}

/** Convolution kernels of the WebGPU backend. */
export const convKernels: KernelTable = {
  Conv2D: ({ inputs: { x, w, bias }, attrs, backend }) => {
    const [inShuffle, outShuffle] = shuffles(attrs);
    return convForward(
      gpu(backend),
      x,
      w,
      attrs,
      bias ? { bias, inShuffle, outShuffle } : { inShuffle, outShuffle },
    );
  },

  // Inference: bias, BN and ReLU in the GEMM epilogue, the interleaves in its indexing.
  FusedConv2D: ({ inputs: { x, w, bias, gamma, beta, mean, variance }, attrs, backend }) => {
    const [inShuffle, outShuffle] = shuffles(attrs);
    const f: FusedInputs = { relu: attrs.relu, inShuffle, outShuffle };
    if (bias) f.bias = bias;
    if (gamma && beta && mean && variance) f.bn = { gamma, beta, mean, variance, eps: attrs.eps };
    return convForward(gpu(backend), x, w, attrs, f);
  },

  Conv2DBackpropInput: ({ inputs: { dy, w }, attrs, backend }) => {
    const g = gpu(backend);
    const s = conv2dGeometry(attrs.inputShape, w.shape, attrs);
    const out = g.alloc(attrs.inputShape, 'float32');
    const [sIn, sOut] = shuffles(attrs);
    if (tryDepthwiseBackData(g, s, g.buf(dy), g.buf(w), g.buf(out), { sIn, sOut })) return out;
    if (trySmallConvBackData(g, s, g.buf(dy), g.buf(w), g.buf(out), { sIn, sOut })) return out;
    const coutG = s.cout / s.groups;
    runGemm(
      g,
      backDataSpec(isPointwise(s)),
      [g.buf(dy), g.buf(w)],
      g.buf(out),
      {
        M: s.n * s.h * s.w,
        N: s.cin / s.groups,
        K: coutG * s.kh * s.kw,
        batch: s.groups,
        total: s.n * s.cin * s.h * s.w,
        allowSplit: true,
      },
      convUniforms(s, ...shuffles(attrs)),
    );
    return out;
  },

  Conv2DBackpropFilter: ({ inputs: { x, dy }, attrs, backend }) => {
    const g = gpu(backend);
    const s = conv2dGeometry(x.shape, attrs.filterShape, attrs);
    const out = g.alloc(attrs.filterShape, 'float32');
    const [sIn, sOut] = shuffles(attrs);
    if (tryDepthwiseBackFilter(g, s, g.buf(dy), g.buf(x), g.buf(out), { sIn, sOut })) return out;
    if (trySmallConvBackFilter(g, s, g.buf(dy), g.buf(x), g.buf(out), { sIn, sOut })) return out;
    const cinG = s.cin / s.groups;
    runGemm(
      g,
      backFilterSpec(isPointwise(s)),
      [g.buf(dy), g.buf(x)],
      g.buf(out),
      {
        M: cinG * s.kh * s.kw,
        N: s.cout / s.groups,
        K: s.n * s.outH * s.outW,
        batch: s.groups,
        total: s.cout * cinG * s.kh * s.kw,
        allowSplit: true,
      },
      convUniforms(s, ...shuffles(attrs)),
      { a: (s.h * s.w) % 4 === 0, b: (s.outH * s.outW) % 4 === 0 },
    );
    return out;
  },
};
