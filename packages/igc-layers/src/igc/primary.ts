import { Conv2d } from '../layers/conv2d.js';
import { assertPositiveInt } from '../layers/geometry.js';
import type { InitOptions } from '../layers/init.js';

/** Options of `PrimaryGroupConv`. */
export interface PrimaryGroupConvOptions extends InitOptions {
  /** Kernel size k (k×k); defaults to 3. */
  kernelSize?: number;
  /** Defaults to 1; the IGC nets down-sample here. */
  stride?: number;
  /** Defaults to dilation·(k − 1)/2, which keeps the size at stride 1. */
  padding?: number;
  /** Defaults to 1. */
  dilation?: number;
}

/**
 * The primary group convolution of an IGC block: L partitions, each a regular k×k conv from
 * Cin/L to Cout/L channels with no connection across partitions (`num_group =
 * primary_partition` in the official code). With Cin = Cout = L·M its kernel is block-diagonal
 * with L blocks of M×(M·k²).
 */
export class PrimaryGroupConv extends Conv2d {
  /** Number of primary partitions L. */
  readonly partitions: number;

  constructor(
    inChannels: number,
    outChannels: number,
    partitions: number,
    opts: PrimaryGroupConvOptions = {},
  ) {
    assertPositiveInt(partitions, 'PrimaryGroupConv', 'partitions');
    const k = opts.kernelSize ?? 3;
    const dilation = opts.dilation ?? 1;
    super(inChannels, outChannels, {
      kernelSize: k,
      stride: opts.stride ?? 1,
      padding: opts.padding ?? (dilation * (k - 1)) / 2,
      dilation,
      groups: partitions,
      ...(opts.init ? { init: opts.init } : {}),
      ...(opts.rng ? { rng: opts.rng } : {}),
    });
    this.partitions = partitions;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, L=${this.partitions}`;
  }
}
