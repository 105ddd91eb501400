/**
 * What the convolution kernels (conv.ts's implicit GEMMs, conv_small.ts's direct kernels) share:
 * the uniforms (the geometry of `@igcnet/tensor/backend` under short WGSL names), the folded
 * interleave and the fused epilogue.
 */
import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import type { Values } from '../exec/uniforms.js';
import { storage } from './common.js';

/** The uniforms every conv kernel reads (shapes, window, groups, folded shuffles, BN eps). */
export const CONV_FIELDS = {
  n: 'i32',
  cin: 'i32',
  h: 'i32',
  w: 'i32',
  cout: 'i32',
  oh: 'i32',
  ow: 'i32',
  kh: 'i32',
  kw: 'i32',
  sh: 'i32',
  sw: 'i32',
  pt: 'i32',
  pl: 'i32',
  dh: 'i32',
  dw: 'i32',
  cinG: 'i32',
  coutG: 'i32',
  sIn: 'i32',
  sOut: 'i32',
  eps: 'f32',
} as const;
export type ConvFields = typeof CONV_FIELDS;

/**
 * WGSL: the folded interleave. The conv reads input channel c from channel srcCh(c) of x (x is
 * channelShuffle'd by sIn on the fly) and writes output channel co to channel dstCh(co) (the
 * result comes out channelShuffle'd by sOut). With sIn = sOut = 1 both are the identity.
 */
export const CHANNELS = `fn srcCh(c: i32) -> i32 { return (c % P.sIn) * (P.cin / P.sIn) + c / P.sIn; }
fn dstCh(co: i32) -> i32 { let per = P.cout / P.sOut; return (co % per) * P.sOut + co / per; }
`;

/** What the forward epilogue fuses. */
export interface Epilogue {
  bias: boolean;
  /** Inference batch norm from gamma, beta, running mean and variance. */
  bn: boolean;
  relu: boolean;
}

/**
 * WGSL `applyEpilogue(co, v)`: bias by conv output channel co, inference BN by the channel co is
 * written to (dstCh(co), after the folded output shuffle, as BN follows the shuffle in the
 * graph), then ReLU (NaN kept, as the Relu kernel). Needs CHANNELS and the bound Bias / Gamma /
 * Beta / Mean / Var.
 */
export function epilogueFn(ep: Epilogue): string {
  return `fn applyEpilogue(co: i32, v: f32) -> f32 {
  var r = v;
  ${ep.bias ? 'r = r + Bias[co];' : ''}
  ${ep.bn ? 'let c = dstCh(co); r = (r - Mean[c]) * (Gamma[c] * inverseSqrt(Var[c] + P.eps)) + Beta[c];' : ''}
  ${ep.relu ? 'r = select(0.0, r, r > 0.0 || (bitcast<u32>(r) & 0x7fffffffu) > 0x7f800000u);' : ''}
  return r;
}`;
}

/** The values of CONV_FIELDS for a conv: the shared geometry under the uniforms' short names. */
export function convUniforms(s: Conv2DGeometry, sIn = 1, sOut = 1, eps = 0): Values<ConvFields> {
  return {
    n: s.n,
    cin: s.cin,
    h: s.h,
    w: s.w,
    cout: s.cout,
    oh: s.outH,
    ow: s.outW,
    kh: s.kh,
    kw: s.kw,
    sh: s.strideH,
    sw: s.strideW,
    pt: s.padTop,
    pl: s.padLeft,
    dh: s.dilationH,
    dw: s.dilationW,
    cinG: s.cin / s.groups,
    coutG: s.cout / s.groups,
    sIn,
    sOut,
    eps,
  };
}

/**
 * Storage declarations of the epilogue's inputs (Bias, then Gamma, Beta, Mean, Var), bound from
 * `first` on, and the next free binding.
 */
export function epilogueInputs(ep: Epilogue, first: number): { wgsl: string; next: number } {
  let next = first;
  let wgsl = '';
  if (ep.bias) wgsl += storage(next++, 'Bias', 'f32');
  if (ep.bn)
    for (const name of ['Gamma', 'Beta', 'Mean', 'Var']) wgsl += storage(next++, name, 'f32');
  return { wgsl, next };
}
