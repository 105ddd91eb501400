import type { Conv2DGeometry } from '@igcnet/tensor/backend';

/**
 * For stride 1, the input gradient is a forward conv of dy with the spatially flipped,
 * in/out-swapped filter and padding dilation·(k − 1) − pad (negative padding crops). Running it
 * through the forward path reuses its GEMM without a col2im scatter. Null for other strides.
 */
export function backpropInputAsForward(s: Conv2DGeometry): Conv2DGeometry | null {
  if (s.strideH !== 1 || s.strideW !== 1) return null;
  return {
    n: s.n,
    cin: s.cout,
    h: s.outH,
    w: s.outW,
    cout: s.cin,
    kh: s.kh,
    kw: s.kw,
    outH: s.h,
    outW: s.w,
    strideH: 1,
    strideW: 1,
    padTop: s.dilationH * (s.kh - 1) - s.padTop,
    padLeft: s.dilationW * (s.kw - 1) - s.padLeft,
    dilationH: s.dilationH,
    dilationW: s.dilationW,
    groups: s.groups,
  };
}

/**
 * out[g·cinG + ci, co, kh−1−ky, kw−1−kx] = w[g·coutG + co, ci, ky, kx]: the filter of
 * backpropInputAsForward, OIHW with O = cin and I = cout/groups.
 */
export function flipSwapFilter(s: Conv2DGeometry, w: Float32Array, out: Float32Array): void {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  const k = s.kh * s.kw;
  for (let g = 0; g < s.groups; g++) {
    for (let co = 0; co < coutG; co++) {
      for (let ci = 0; ci < cinG; ci++) {
        const src = ((g * coutG + co) * cinG + ci) * k;
        const dst = ((g * cinG + ci) * coutG + co) * k;
        for (let t = 0; t < k; t++) out[dst + k - 1 - t] = w[src + t]!;
      }
    }
  }
}
