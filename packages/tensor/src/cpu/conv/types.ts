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
