import {
  add,
  type Conv2DOptions,
  conv2d,
  fusedConv2d,
  relu6,
  type Shape,
  type Tensor,
} from '@igcnet/tensor';
import { Interleave } from '../igc/interleave.js';
import { BatchNorm2d, type BatchNorm2dOptions } from '../layers/batchnorm2d.js';
import { Conv2d } from '../layers/conv2d.js';
import { inferenceBn } from '../layers/fusion.js';
import { assertPositiveInt } from '../layers/geometry.js';
import type { InitOptions } from '../layers/init.js';
import { ReLU6 } from '../layers/relu.js';
import { Module, type TraceVisitor } from '../module/module.js';

/** Options of `InvertedResidual`. */
export interface InvertedResidualOptions extends InitOptions {
  /** Channels of the expanded layer (the depthwise conv's width), e.g. round(t·Cin). */
  expandedChannels: number;
  /** Stride of the depthwise conv; defaults to 1. */
  stride?: number;
  /** Groups of the 1×1 expansion conv: IGCV3's G1 = 2, MobileNetV2's 1 (the default). */
  expandGroups?: number;
  /** Groups of the 1×1 linear (projection) conv: IGCV3's G2 = 2, MobileNetV2's 1 (default). */
  linearGroups?: number;
  /** ReLU6 after the expansion's BN: true for MobileNetV2 (the default), false for IGCV3. */
  expandActivation?: boolean;
  /**
   * A channel permutation (interleave) with this many groups between the expansion's BN and the
   * depthwise conv: IGCV3's `permutation(groups = 2)`. Absent: none (MobileNetV2).
   */
  permute?: number;
  /**
   * A permutation with this many groups after the linear conv's BN, before the shortcut: the
   * `permutation(linear_out, groups = num_filter/2)` of the later official igcv3.py (385b327).
   * The released model and the code it was trained with have none; absent: none.
   */
  permuteBack?: number;
  /** Adds the input (identity shortcut); needs Cin = Cout and stride 1. Defaults to false. */
  shortcut?: boolean;
  /** BN settings of all three BNs. */
  bn?: BatchNorm2dOptions;
}

/**
 * The inverted residual block of MobileNetV2 and IGCV3 (official `inverted_residual_unit`):
 * 1×1 expansion conv (G1 groups) → BN (→ ReLU6) (→ permutation) → 3×3 depthwise conv (stride s)
 * → BN → ReLU6 → 1×1 linear conv (G2 groups) → BN (→ permutation back), plus the input when the
 * block has a shortcut. No conv has a bias. Children, in order: `expand`, `expandBn`,
 * `expandAct`?, `permute`?, `depthwise`, `depthwiseBn`, `depthwiseAct`, `linear`, `linearBn`,
 * `permuteBack`?.
 *
 * The permutation before the depthwise conv is folded into it (`inShuffle`), so backends that
 * index through a permutation (WebGPU) move no data for it. In eval mode each conv runs fused
 * with its BN (`fusedConv2d`).
 */
export class InvertedResidual extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly expandedChannels: number;
  readonly stride: number;
  readonly hasShortcut: boolean;
  readonly expand: Conv2d;
  readonly expandBn: BatchNorm2d;
  readonly expandAct: ReLU6 | undefined;
  readonly permute: Interleave | undefined;
  readonly depthwise: Conv2d;
  readonly depthwiseBn: BatchNorm2d;
  readonly depthwiseAct: ReLU6;
  readonly linear: Conv2d;
  readonly linearBn: BatchNorm2d;
  readonly permuteBack: Interleave | undefined;

  constructor(inChannels: number, outChannels: number, opts: InvertedResidualOptions) {
    super();
    const who = 'InvertedResidual';
    const e = opts.expandedChannels;
    assertPositiveInt(e, who, 'expandedChannels');
    const stride = opts.stride ?? 1;
    assertPositiveInt(stride, who, 'stride');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.expandedChannels = e;
    this.stride = stride;
    this.hasShortcut = opts.shortcut ?? false;
    if (this.hasShortcut && (inChannels !== outChannels || stride !== 1)) {
      throw new Error(
        `${who}: an identity shortcut needs as many input as output channels and stride 1, got ${inChannels} → ${outChannels}, stride ${stride}`,
      );
    }
    const init = {
      ...(opts.init ? { init: opts.init } : {}),
      ...(opts.rng ? { rng: opts.rng } : {}),
    };
    this.expand = this.registerModule(
      'expand',
      new Conv2d(inChannels, e, { kernelSize: 1, groups: opts.expandGroups ?? 1, ...init }),
    );
    this.expandBn = this.registerModule('expandBn', new BatchNorm2d(e, opts.bn));
    if (opts.expandActivation ?? true)
      this.expandAct = this.registerModule('expandAct', new ReLU6());
    if (opts.permute !== undefined && opts.permute > 1)
      this.permute = this.registerModule('permute', new Interleave(opts.permute));
    this.depthwise = this.registerModule(
      'depthwise',
      new Conv2d(e, e, { kernelSize: 3, stride, padding: 1, groups: e, ...init }),
    );
    this.depthwiseBn = this.registerModule('depthwiseBn', new BatchNorm2d(e, opts.bn));
    this.depthwiseAct = this.registerModule('depthwiseAct', new ReLU6());
    this.linear = this.registerModule(
      'linear',
      new Conv2d(e, outChannels, { kernelSize: 1, groups: opts.linearGroups ?? 1, ...init }),
    );
    this.linearBn = this.registerModule('linearBn', new BatchNorm2d(outChannels, opts.bn));
    if (opts.permuteBack !== undefined && opts.permuteBack > 1)
      this.permuteBack = this.registerModule('permuteBack', new Interleave(opts.permuteBack));
    // Checks every split (groups, permutations) now rather than at the first forward.
    this.outputShape([inChannels, 8 * stride, 8 * stride]);
  }

  forward(x: Tensor): Tensor {
    let y = this.convBn(this.expand, this.expandBn, x);
    if (this.expandAct) y = this.swap(y, relu6(y));
    y = this.swap(y, this.convBn(this.depthwise, this.depthwiseBn, y, this.permute?.groups));
    y = this.swap(y, relu6(y));
    y = this.swap(y, this.convBn(this.linear, this.linearBn, y));
    if (this.permuteBack) y = this.swap(y, this.permuteBack.forward(y));
    return this.hasShortcut ? this.swap(y, add(x, y)) : y;
  }

  /** bn(conv(S(x))): one fused conv when BN is in eval mode; S folded into the conv. */
  private convBn(conv: Conv2d, bn: BatchNorm2d, x: Tensor, inShuffle?: number): Tensor {
    const opts: Conv2DOptions = {
      stride: conv.stride,
      padding: conv.padding,
      dilation: conv.dilation,
      groups: conv.groups,
      ...(inShuffle !== undefined ? { inShuffle } : {}),
    };
    if (!bn.training) return fusedConv2d(x, conv.weight, { ...opts, bn: inferenceBn(bn) });
    const c = conv2d(x, conv.weight, opts);
    return this.swap(c, bn.forward(c));
  }

  /** Frees the intermediate `old` once `next` is computed from it. */
  private swap(old: Tensor, next: Tensor): Tensor {
    if (old !== next) old.dispose();
    return next;
  }

  protected override traceChildren(input: Shape, visit: TraceVisitor, path: string): Shape {
    const s = super.traceChildren(input, visit, path);
    if (this.hasShortcut && s.join() !== input.join()) {
      throw new Error(
        `InvertedResidual${path ? ` '${path}'` : ''}: the shortcut gives [${input.join(',')}] but the main path [${s.join(',')}]`,
      );
    }
    return s;
  }

  override extraRepr(): string {
    const parts = [
      `${this.inChannels}`,
      `${this.outChannels}`,
      `expanded=${this.expandedChannels}`,
    ];
    if (this.stride !== 1) parts.push(`stride=${this.stride}`);
    if (this.expand.groups !== 1 || this.linear.groups !== 1)
      parts.push(`G1=${this.expand.groups}, G2=${this.linear.groups}`);
    if (this.hasShortcut) parts.push('shortcut');
    return parts.join(', ');
  }
}

/** Settings of one IGCV3 or MobileNetV2 block. */
export interface MobileBlockOptions extends InitOptions {
  expandedChannels: number;
  stride?: number;
  shortcut?: boolean;
  bn?: BatchNorm2dOptions;
}

/**
 * The IGCV3 block of the official `igcv3.py`: expansion with G1 = 2 groups and no activation,
 * the permutation with 2 groups, the depthwise conv, the linear conv with G2 = 2 groups.
 * `secondPermutation` adds the later code's permutation after the linear BN (see
 * `InvertedResidualOptions.permuteBack`); the default follows the released model: none.
 */
export function igcv3Block(
  inChannels: number,
  outChannels: number,
  opts: MobileBlockOptions & { secondPermutation?: boolean },
): InvertedResidual {
  const { secondPermutation, ...rest } = opts;
  return new InvertedResidual(inChannels, outChannels, {
    ...rest,
    expandGroups: 2,
    linearGroups: 2,
    expandActivation: false,
    permute: 2,
    ...(secondPermutation ? { permuteBack: outChannels / 2 } : {}),
  });
}

/** The MobileNetV2 block as the IGCV3 repository builds it (dense 1×1 convs, ReLU6 after both). */
export function mobileNetV2Block(
  inChannels: number,
  outChannels: number,
  opts: MobileBlockOptions,
): InvertedResidual {
  return new InvertedResidual(inChannels, outChannels, {
    ...opts,
    expandGroups: 1,
    linearGroups: 1,
    expandActivation: true,
  });
}
