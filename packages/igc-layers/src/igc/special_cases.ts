import { type Tensor, tensor } from '@igcnet/tensor';
import { Conv2d } from '../layers/conv2d.js';
import type { InitOptions } from '../layers/init.js';
import { Sequential } from '../layers/sequential.js';
import { IGCConv } from './igc_conv.js';
import { interleaveSource } from './interleave.js';

/** Settings shared by the special-case builders. */
export interface SpecialCaseOptions extends InitOptions {
  /** Kernel size of the spatial conv; defaults to 3. */
  kernelSize?: number;
  /** Defaults to 1. */
  stride?: number;
}

function common(opts: SpecialCaseOptions): SpecialCaseOptions {
  return {
    kernelSize: opts.kernelSize ?? 3,
    stride: opts.stride ?? 1,
    ...(opts.init ? { init: opts.init } : {}),
    ...(opts.rng ? { rng: opts.rng } : {}),
  };
}

/**
 * L = 1: one primary partition is a regular dense k×k conv over all channels; the secondary conv
 * has M = C partitions of one channel, a per-channel scale (which a following BN absorbs), and
 * both permutations are the identity. Equal to `Conv2d` with `denseEquivalentWeight`.
 */
export function regularConvIGC(channels: number, opts: SpecialCaseOptions = {}): IGCConv {
  return new IGCConv(channels, channels, {
    primaryPartitions: 1,
    secondaryPartitions: channels,
    ...common(opts),
  });
}

/**
 * M = 1: L = C primary partitions of one channel are a depthwise (channel-wise) k×k conv, and the
 * single secondary partition is a dense 1×1 conv: the Xception block (depthwise → pointwise).
 * Equal to `xceptionDirect(igc)`.
 */
export function xceptionIGC(channels: number, opts: SpecialCaseOptions = {}): IGCConv {
  return new IGCConv(channels, channels, {
    primaryPartitions: channels,
    secondaryPartitions: 1,
    ...common(opts),
  });
}

/**
 * Group convolution with summation fusion (ResNeXt-style aggregation): L branches, each a k×k
 * conv from Cin/L channels to all Cout channels, summed. Built as an IGC whose primary conv
 * gives every branch Cout outputs and whose secondary kernel is fixed to all ones (untrained).
 * Equal to the sum of the branch convs, and to `Conv2d` with `denseEquivalentWeight`.
 */
export function summationFusionIGC(
  inChannels: number,
  outChannels: number,
  branches: number,
  opts: SpecialCaseOptions = {},
): IGCConv {
  return new IGCConv(inChannels, outChannels, {
    primaryPartitions: branches,
    fusion: 'sum',
    ...common(opts),
  });
}

/**
 * The dense k×k kernel [Cout, Cin, k, k] of an IGC block: W = P · W^d · P^T · W^p (paper.md
 * §1.1), computed on the host from the block's weights. A regular conv with this weight (and the
 * block's stride, padding, dilation) computes exactly what the block computes. Async because it
 * reads the weights back from the backend.
 */
export async function denseEquivalentWeight(igc: IGCConv): Promise<Tensor> {
  const wp = await igc.primary.weight.data();
  const wd = await igc.secondary.weight.data();
  const [kh, kw] = igc.primary.kernelSize;
  const kk = kh * kw;
  const cin = igc.inChannels;
  const cout = igc.outChannels;
  const mid = igc.primary.outChannels;
  const cinPerP = cin / igc.primary.groups;
  const midPerP = mid / igc.primary.groups;
  const midPerS = mid / igc.secondary.groups;
  const outPerS = cout / igc.secondary.groups;
  // Output channel o of the block reads channel back[o] of the secondary conv's output, whose
  // inputs are the interleaved channels; interleaved channel j reads primary channel fwd[j].
  const back = interleaveSource(cout, igc.interleaveBack.groups);
  const fwd = interleaveSource(mid, igc.interleave.groups);
  const out = new Float32Array(cout * cin * kk);
  for (let o = 0; o < cout; o++) {
    const s = back[o]!;
    const sg = Math.floor(s / outPerS);
    for (let j = 0; j < midPerS; j++) {
      const ws = wd[s * midPerS + j]!;
      if (ws === 0) continue;
      const q = fwd[sg * midPerS + j]!; // the primary output channel feeding this path
      const pg = Math.floor(q / midPerP);
      for (let i = 0; i < cinPerP; i++) {
        const c = pg * cinPerP + i;
        for (let t = 0; t < kk; t++)
          out[(o * cin + c) * kk + t]! += ws * wp[(q * cinPerP + i) * kk + t]!;
      }
    }
  }
  return tensor(out, [cout, cin, kh, kw]);
}

/** A regular `Conv2d` computing exactly what `igc` computes, with its dense equivalent weight. */
export async function denseEquivalentConv(igc: IGCConv): Promise<Conv2d> {
  const w = await denseEquivalentWeight(igc);
  const conv = new Conv2d(igc.inChannels, igc.outChannels, {
    kernelSize: igc.primary.kernelSize,
    stride: igc.primary.stride,
    padding: igc.primary.padding,
    dilation: igc.primary.dilation,
    init: 'zeros',
  });
  conv.weight.assign(w);
  w.dispose();
  return conv;
}

/**
 * The direct Xception form of an M = 1 IGC: a depthwise k×k `Conv2d` (groups = C) followed by a
 * dense 1×1 `Conv2d`, holding copies of the block's weights.
 */
export function xceptionDirect(igc: IGCConv): Sequential {
  if (igc.M !== 1 || igc.L !== igc.inChannels || igc.inChannels !== igc.outChannels) {
    throw new Error(
      `xceptionDirect: needs an IGC with M = 1 and L = C, got L = ${igc.L}, M = ${igc.M}`,
    );
  }
  const c = igc.inChannels;
  const depthwise = new Conv2d(c, c, {
    kernelSize: igc.primary.kernelSize,
    stride: igc.primary.stride,
    padding: igc.primary.padding,
    dilation: igc.primary.dilation,
    groups: c,
    init: 'zeros',
  });
  const pointwise = new Conv2d(c, c, { kernelSize: 1, init: 'zeros' });
  // With M = 1 both permutations are the identity, so the weights carry over unchanged.
  depthwise.weight.assign(igc.primary.weight);
  pointwise.weight.assign(igc.secondary.weight);
  return new Sequential(['depthwise', depthwise], ['pointwise', pointwise]);
}
