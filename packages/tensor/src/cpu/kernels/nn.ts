import type { KernelTable } from '../../core/backend.js';
import type { Conv2DGeometry } from '../../core/kernel_names.js';
import {
  type ConvShape,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  convOutSize,
  sgemm,
} from '../conv/index.js';
import { allocF32, f32 } from '../storage.js';

function convShape(x: readonly number[], w: readonly number[], g: Conv2DGeometry): ConvShape {
  const [n, cin, h, wd] = x as [number, number, number, number];
  const [cout, , kh, kw] = w as [number, number, number, number];
  return {
    n,
    cin,
    h,
    w: wd,
    cout,
    kh,
    kw,
    outH: convOutSize(h, kh, g.stride[0], g.pad[0], g.pad[1], g.dilation[0]),
    outW: convOutSize(wd, kw, g.stride[1], g.pad[2], g.pad[3], g.dilation[1]),
    strideH: g.stride[0],
    strideW: g.stride[1],
    padTop: g.pad[0],
    padLeft: g.pad[2],
    dilationH: g.dilation[0],
    dilationW: g.dilation[1],
    groups: g.groups,
  };
}

/** Matmul and convolution kernels of the CPU backend. */
export const nnKernels: KernelTable = {
  MatMul: ({ inputs: { a, b }, attrs: { transposeA, transposeB } }) => {
    const r = a.shape.length;
    const batchA = r === 3 ? a.shape[0]! : 1;
    const batchB = r === 3 ? b.shape[0]! : 1;
    const batch = Math.max(batchA, batchB);
    const [ar, ac] = [a.shape[r - 2]!, a.shape[r - 1]!];
    const [br, bc] = [b.shape[r - 2]!, b.shape[r - 1]!];
    const m = transposeA ? ac : ar;
    const k = transposeA ? ar : ac;
    const n = transposeB ? br : bc;
    const shape = r === 3 ? [batch, m, n] : [m, n];
    const { values: c, info } = allocF32(shape, false);
    const av = f32(a);
    const bv = f32(b);
    for (let i = 0; i < batch; i++) {
      sgemm({
        m,
        n,
        k,
        a: av,
        aOffset: batchA === 1 ? 0 : i * ar * ac,
        lda: ac,
        transA: transposeA,
        b: bv,
        bOffset: batchB === 1 ? 0 : i * br * bc,
        ldb: bc,
        transB: transposeB,
        c,
        cOffset: i * m * n,
        ldc: n,
        accumulate: false,
      });
    }
    return info;
  },

  Conv2D: ({ inputs: { x, w, bias }, attrs }) => {
    const s = convShape(x.shape, w.shape, attrs);
    const { values, info } = allocF32([s.n, s.cout, s.outH, s.outW], false);
    conv2dForward(s, f32(x), f32(w), bias ? f32(bias) : undefined, values);
    return info;
  },

  Conv2DBackpropInput: ({ inputs: { dy, w }, attrs }) => {
    const s = convShape(attrs.inputShape, w.shape, attrs);
    const { values, info } = allocF32(attrs.inputShape);
    conv2dBackpropInput(s, f32(dy), f32(w), values);
    return info;
  },

  Conv2DBackpropFilter: ({ inputs: { x, dy }, attrs }) => {
    const s = convShape(x.shape, attrs.filterShape, attrs);
    const { values, info } = allocF32(attrs.filterShape);
    conv2dBackpropFilter(s, f32(x), f32(dy), values);
    return info;
  },
};
