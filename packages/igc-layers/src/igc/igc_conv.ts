import { type Conv2DOptions, conv2d, fusedConv2d, type Tensor } from '@igcnet/tensor';
import { type ConvEpilogue, inferenceBn } from '../layers/fusion.js';
import { assertPositiveInt } from '../layers/geometry.js';
import type { InitOptions } from '../layers/init.js';
import { Module } from '../module/module.js';
import { Interleave } from './interleave.js';
import { PrimaryGroupConv } from './primary.js';
import { SecondaryGroupConv } from './secondary.js';

/** Options of `IGCConv`. */
export interface IGCConvOptions extends InitOptions {
  /** L: the number of primary partitions (groups of the k×k conv). */
  primaryPartitions: number;
  /**
   * M: the number of secondary partitions (groups of the 1×1 conv). Defaults to Cout / L, the
   * block of the paper (every secondary partition holds L channels, one from each primary
   * partition). The official CIFAR `resnet_igc` passes M_prev in a down-sampling unit, giving
   * partitions of 2L channels (paper.md §5 item 4); the permutation back then uses M_prev as
   * well, as the official `Reorder(branch_factor = M_prev)`.
   */
  secondaryPartitions?: number;
  /** Kernel size k of the primary conv; defaults to 3. */
  kernelSize?: number;
  /** Stride of the primary conv; defaults to 1. */
  stride?: number;
  /** Padding of the primary conv; defaults to dilation·(k − 1)/2. */
  padding?: number;
  /** Dilation of the primary conv; defaults to 1. */
  dilation?: number;
  /**
   * `'learned'` (the IGC block, the default) or `'sum'`: summation fusion, where the primary
   * conv gives each of its L branches the full output width (Cout·L channels in all) and a
   * fixed, untrained all-ones secondary kernel sums the L branch outputs of each channel.
   */
  fusion?: 'learned' | 'sum';
}

/**
 * An interleaved group convolution: primary group conv (L partitions, k×k) → interleave P^T →
 * secondary group conv (M partitions, 1×1) → interleave back P, exactly as the official code's
 * `conv → Reorder(L) → conv → Reorder(M)`. No BN or non-linearity sits inside: the block is one
 * linear operator whose product kernel is dense, a drop-in replacement for a regular k×k conv.
 * Children `primary`, `interleave`, `secondary`, `interleaveBack`.
 *
 * Parameters: L·(Cin/L)·(Cout/L)·k² + Cout·(Cout/M); with Cin = Cout = G = L·M that is
 * G²·(k²/L + 1/M) (paper.md §1.4).
 */
export class IGCConv extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  /** L. */
  readonly L: number;
  /** M. */
  readonly M: number;
  readonly fusion: 'learned' | 'sum';
  readonly primary: PrimaryGroupConv;
  readonly interleave: Interleave;
  readonly secondary: SecondaryGroupConv;
  readonly interleaveBack: Interleave;

  constructor(inChannels: number, outChannels: number, opts: IGCConvOptions) {
    super();
    const L = opts.primaryPartitions;
    assertPositiveInt(L, 'IGCConv', 'primaryPartitions');
    this.fusion = opts.fusion ?? 'learned';
    const sum = this.fusion === 'sum';
    // Summation fusion: each branch produces all Cout channels and the secondary sums them.
    const mid = sum ? outChannels * L : outChannels;
    if (inChannels % L !== 0 || mid % L !== 0) {
      throw new Error(
        `IGCConv: ${inChannels} → ${mid} channels cannot be split into L = ${L} primary partitions`,
      );
    }
    const M = opts.secondaryPartitions ?? (sum ? outChannels : outChannels / L);
    assertPositiveInt(M, 'IGCConv', 'secondaryPartitions');
    if (sum && M !== outChannels) {
      throw new Error(
        `IGCConv: summation fusion has one secondary partition per output channel (${outChannels}), got ${M}`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.L = L;
    this.M = M;
    const init = {
      ...(opts.init ? { init: opts.init } : {}),
      ...(opts.rng ? { rng: opts.rng } : {}),
    };
    this.primary = this.registerModule(
      'primary',
      new PrimaryGroupConv(inChannels, mid, L, {
        kernelSize: opts.kernelSize ?? 3,
        stride: opts.stride ?? 1,
        ...(opts.padding !== undefined ? { padding: opts.padding } : {}),
        dilation: opts.dilation ?? 1,
        ...init,
      }),
    );
    this.interleave = this.registerModule('interleave', new Interleave(L));
    this.secondary = this.registerModule(
      'secondary',
      new SecondaryGroupConv(mid, outChannels, M, { sumFusion: sum, ...init }),
    );
    this.interleaveBack = this.registerModule('interleaveBack', new Interleave(M));
  }

  /**
   * primary → interleave → secondary → interleave back, with both permutations folded into the
   * secondary conv (`inShuffle`/`outShuffle`): backends that index through the permutation (the
   * WebGPU backend) move no data for them. The Interleave modules stay as the block's structure,
   * for `toString`, the analyzer and ONNX export.
   */
  forward(x: Tensor): Tensor {
    const p = this.primary.forward(x);
    const out = conv2d(p, this.secondary.weight, this.secondaryOptions());
    p.dispose();
    return out;
  }

  /**
   * relu?(bn(forward(x))) with BN and ReLU fused into the secondary conv (with its folded
   * interleaves), BN with its running statistics. The primary conv runs as usual: no BN sits
   * between the two group convs.
   */
  forwardFused(x: Tensor, epilogue: ConvEpilogue): Tensor {
    const p = this.primary.forward(x);
    const out = fusedConv2d(p, this.secondary.weight, {
      ...this.secondaryOptions(),
      ...(epilogue.bn ? { bn: inferenceBn(epilogue.bn) } : {}),
      relu: epilogue.relu === true,
    });
    p.dispose();
    return out;
  }

  private secondaryOptions(): Conv2DOptions {
    const sec = this.secondary;
    return {
      groups: sec.groups,
      inShuffle: this.interleave.groups,
      outShuffle: this.interleaveBack.groups,
      ...(sec.bias ? { bias: sec.bias } : {}),
    };
  }

  override extraRepr(): string {
    const k = this.primary.kernelSize;
    const stride = this.primary.stride[0] !== 1 ? `, stride=${this.primary.stride[0]}` : '';
    const fusion = this.fusion === 'sum' ? ', fusion=sum' : '';
    return `${this.inChannels}, ${this.outChannels}, L=${this.L}, M=${this.M}, kernel=${k[0]}${stride}${fusion}`;
  }
}
