import { ones, type Tensor } from '@igcnet/tensor';
import { Conv2d } from '../layers/conv2d.js';
import { assertPositiveInt } from '../layers/geometry.js';
import type { InitOptions } from '../layers/init.js';

/** Options of `SecondaryGroupConv`. */
export interface SecondaryGroupConvOptions extends InitOptions {
  /**
   * A fixed all-ones kernel (a buffer, never trained): each partition sums its channels, the
   * "summation fusion" that IGC replaces with a learned kernel. Defaults to false.
   */
  sumFusion?: boolean;
}

/**
 * The secondary group convolution of an IGC block: a 1×1 conv with M partitions
 * (`num_group = secondary_partition`), each mixing the L channels that the interleave gathered
 * from the L primary partitions. With C = L·M its kernel is block-diagonal with M blocks of L×L.
 */
export class SecondaryGroupConv extends Conv2d {
  /** Number of secondary partitions M. */
  readonly partitions: number;

  constructor(
    inChannels: number,
    outChannels: number,
    partitions: number,
    opts: SecondaryGroupConvOptions = {},
  ) {
    assertPositiveInt(partitions, 'SecondaryGroupConv', 'partitions');
    let fixed: Tensor | undefined;
    if (opts.sumFusion) {
      if (inChannels % partitions !== 0) {
        throw new Error(
          `SecondaryGroupConv: ${inChannels} channels cannot be split into ${partitions} partitions`,
        );
      }
      fixed = ones([outChannels, inChannels / partitions, 1, 1]);
    }
    super(inChannels, outChannels, {
      kernelSize: 1,
      groups: partitions,
      ...(fixed ? { fixedWeight: fixed } : {}),
      ...(opts.init ? { init: opts.init } : {}),
      ...(opts.rng ? { rng: opts.rng } : {}),
    });
    fixed?.dispose();
    this.partitions = partitions;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, M=${this.partitions}`;
  }
}
