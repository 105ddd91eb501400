import type { Conv2DAttrs, Pool2DAttrs } from '../core/kernel_names.js';

/**
 * Geometry of a 2-D convolution on NCHW / OIHW arrays, every size resolved: the one type every
 * backend's conv kernels work from, computed by {@link conv2dGeometry} from the kernel's inputs
 * and attributes. The folded interleaves (`inShuffle`, `outShuffle`) stay in the attributes: they
 * remap channels around this convolution and do not change its geometry.
 */
export interface Conv2DGeometry {
  /** Batch. */
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  /** Leading paddings; the trailing ones are implied by outH and outW. */
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/** Output size of one spatial axis, or a number below 1 when the window does not fit. */
export function convOutSize(
  size: number,
  k: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * The geometry of Conv2D (and its fused and backprop kernels) on an input of shape `x` and a
 * weight of shape `w` (OIHW) under the attributes the op resolved. For the backprop kernels pass
 * `inputShape` or `filterShape` in place of the missing operand.
 */
export function conv2dGeometry(
  x: readonly number[],
  w: readonly number[],
  a: Conv2DAttrs,
): Conv2DGeometry {
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
    outH: convOutSize(h, kh, a.stride[0], a.pad[0], a.pad[1], a.dilation[0]),
    outW: convOutSize(wd, kw, a.stride[1], a.pad[2], a.pad[3], a.dilation[1]),
    strideH: a.stride[0],
    strideW: a.stride[1],
    padTop: a.pad[0],
    padLeft: a.pad[2],
    dilationH: a.dilation[0],
    dilationW: a.dilation[1],
    groups: a.groups,
  };
}

/** A 1×1, stride-1, unpadded conv: output pixel p is input pixel p (the input is its own im2col). */
export function isPointwise(s: Conv2DGeometry): boolean {
  return (
    s.kh === 1 &&
    s.kw === 1 &&
    s.strideH === 1 &&
    s.strideW === 1 &&
    s.padTop === 0 &&
    s.padLeft === 0 &&
    s.outH === s.h &&
    s.outW === s.w
  );
}

/** Sizes of a pooling window's input and output (NCHW). */
export interface Pool2DGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  outH: number;
  outW: number;
}

/** The geometry of MaxPool / AvgPool (and their gradients) on an input of shape `x`. */
export function pool2dGeometry(x: readonly number[], a: Pool2DAttrs): Pool2DGeometry {
  const [n, c, h, w] = x as [number, number, number, number];
  return {
    n,
    c,
    h,
    w,
    outH: convOutSize(h, a.kernel[0], a.stride[0], a.pad[0], a.pad[1], 1),
    outW: convOutSize(w, a.kernel[1], a.stride[1], a.pad[2], a.pad[3], 1),
  };
}
