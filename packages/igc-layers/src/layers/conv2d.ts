import {
  type Conv2DOptions,
  conv2d,
  fusedConv2d,
  heNormal,
  type Padding,
  type Pair,
  type Shape,
  type Tensor,
  type Variable,
  zeros,
} from '@igcnet/tensor';
import { chw, Module } from '../module/module.js';
import { type ConvEpilogue, inferenceBn } from './fusion.js';
import { assertPositiveInt, pairOf, windowOutput } from './geometry.js';
import type { InitOptions } from './init.js';

/** Options of `Conv2d`. */
export interface Conv2dOptions extends InitOptions {
  /** Kernel size, one number or [kh, kw]. */
  kernelSize: Pair;
  /** Defaults to 1. */
  stride?: Pair;
  /** Defaults to 0 (as PyTorch). */
  padding?: Padding;
  /** Defaults to 1. */
  dilation?: Pair;
  /** Defaults to 1; Cin and Cout must both divide by it. */
  groups?: number;
  /**
   * Whether to add a learned bias. Defaults to **false**, unlike PyTorch: every conv of the IGC
   * networks is followed by BN and the official code sets `no_bias=True` everywhere.
   */
  bias?: boolean;
  /**
   * A fixed weight [Cout, Cin/groups, kh, kw]: registered as a buffer, never trained, not a
   * parameter (the all-ones kernel of summation fusion). Copied.
   */
  fixedWeight?: Tensor;
}

/**
 * 2-D convolution over NCHW input with an OIHW weight [Cout, Cin/groups, kh, kw], as
 * `torch.nn.Conv2d`. Parameters: `weight` and, with `bias: true`, `bias`.
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding;
  readonly dilation: [number, number];
  readonly groups: number;
  readonly weight: Variable;
  readonly bias: Variable | undefined;

  constructor(inChannels: number, outChannels: number, opts: Conv2dOptions) {
    super();
    const who = this.constructor.name;
    assertPositiveInt(inChannels, who, 'inChannels');
    assertPositiveInt(outChannels, who, 'outChannels');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pairOf(opts.kernelSize);
    this.stride = pairOf(opts.stride ?? 1);
    this.padding = opts.padding ?? 0;
    this.dilation = pairOf(opts.dilation ?? 1);
    this.groups = opts.groups ?? 1;
    assertPositiveInt(this.groups, who, 'groups');
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(
        `${who}: ${inChannels} input and ${outChannels} output channels cannot both be split into ${this.groups} groups`,
      );
    }
    const shape = [outChannels, inChannels / this.groups, this.kernelSize[0], this.kernelSize[1]];
    if (opts.fixedWeight !== undefined) {
      this.weight = this.registerBuffer('weight', opts.fixedWeight);
    } else {
      const init =
        opts.init === 'zeros' ? zeros(shape) : heNormal(shape, opts.rng ? { rng: opts.rng } : {});
      this.weight = this.registerParameter('weight', init);
      init.dispose();
    }
    if (this.weight.shape.join() !== shape.join()) {
      throw new Error(
        `${who}: the fixed weight must have shape [${shape.join(',')}], got [${this.weight.shape.join(',')}]`,
      );
    }
    if (opts.bias) {
      const b = zeros([outChannels]);
      this.bias = this.registerParameter('bias', b);
      b.dispose();
    }
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.options());
  }

  /** relu?(bn(forward(x))) as one `fusedConv2d`, BN with its running statistics. */
  forwardFused(x: Tensor, epilogue: ConvEpilogue): Tensor {
    return fusedConv2d(x, this.weight, {
      ...this.options(),
      ...(epilogue.bn ? { bn: inferenceBn(epilogue.bn) } : {}),
      relu: epilogue.relu === true,
    });
  }

  private options(): Conv2DOptions {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      ...(this.bias ? { bias: this.bias } : {}),
    };
  }

  protected override inferShape(input: Shape): Shape {
    const [c, h, w] = chw(input, this.constructor.name);
    if (c !== this.inChannels) {
      throw new Error(
        `${this.constructor.name}: expects ${this.inChannels} input channels, got ${c}`,
      );
    }
    const [oh, ow] = windowOutput(h, w, this.kernelSize, this.stride, this.padding, this.dilation);
    return [this.outChannels, oh, ow];
  }

  /** Weight elements × output positions: one multiply-add per weight per output pixel. */
  override macs(_input: Shape, output: Shape): number {
    return this.weight.size * (output[1] ?? 1) * (output[2] ?? 1);
  }

  override extraRepr(): string {
    const parts = [
      `${this.inChannels}`,
      `${this.outChannels}`,
      `kernel=${fmtPair(this.kernelSize)}`,
    ];
    if (this.stride[0] !== 1 || this.stride[1] !== 1) parts.push(`stride=${fmtPair(this.stride)}`);
    if (this.padding !== 0)
      parts.push(
        `padding=${typeof this.padding === 'object' ? `[${this.padding.join(',')}]` : this.padding}`,
      );
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1)
      parts.push(`dilation=${fmtPair(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias) parts.push('bias=true');
    if (!this.weight.trainable) parts.push('fixed');
    return parts.join(', ');
  }
}

/** `3` for [3, 3], `3x1` otherwise. */
export function fmtPair(p: readonly [number, number]): string {
  return p[0] === p[1] ? `${p[0]}` : `${p[0]}x${p[1]}`;
}
