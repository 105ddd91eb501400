import {
  BatchNorm2d,
  type BatchNorm2dOptions,
  Conv2d,
  IGCConv,
  type InitOptions,
  type Module,
  ReLU,
  Sequential,
} from '@igcnet/layers';

/** What a 3×3 unit is: a regular conv (RegConv, ResNet) or an IGC with L primary partitions. */
export type UnitKind = { kind: 'regular' } | { kind: 'igc'; L: number };

/** Settings of one 3×3 unit. */
export interface UnitSettings {
  inChannels: number;
  outChannels: number;
  stride: number;
  /**
   * Secondary partitions of an IGC unit; defaults to Cout/L. The CIFAR `resnet_igc` passes
   * Cin/L in the first unit of a block (paper.md §5 item 4).
   */
  secondaryPartitions?: number;
}

/** A 3×3 unit (pad 1): `Conv2d` or `IGCConv`, never with a bias. */
export function unit(kind: UnitKind, s: UnitSettings, init: InitOptions): Module {
  if (kind.kind === 'regular') {
    return new Conv2d(s.inChannels, s.outChannels, {
      kernelSize: 3,
      stride: s.stride,
      padding: 1,
      ...init,
    });
  }
  return new IGCConv(s.inChannels, s.outChannels, {
    primaryPartitions: kind.L,
    ...(s.secondaryPartitions !== undefined ? { secondaryPartitions: s.secondaryPartitions } : {}),
    kernelSize: 3,
    stride: s.stride,
    padding: 1,
    ...init,
  });
}

/** A unit followed by BN and ReLU; children `conv`, `bn`, `relu`. The plain nets' layer. */
export class ConvBnRelu extends Sequential {
  constructor(conv: Module, channels: number, bn: BatchNorm2dOptions) {
    super(['conv', conv], ['bn', new BatchNorm2d(channels, bn)], ['relu', new ReLU()]);
  }
}
