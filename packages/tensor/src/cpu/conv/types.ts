import type { Conv2DGeometry } from '../../core/kernel_names.js';

/** Geometry of a 2-D convolution on raw NCHW / OIHW float32 arrays. */
export interface ConvShape {
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
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/** Output size of one spatial axis, or a negative number when the window does not fit. */
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
 * The geometry of Conv2D on an input of `x` and a weight of `w` (OIHW) under resolved attributes,
 * for backends: sizes, output size, strides, leading paddings, dilations and groups.
 */
export function convShapeOf(
  x: readonly number[],
  w: readonly number[],
  g: Conv2DGeometry,
): ConvShape {
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
