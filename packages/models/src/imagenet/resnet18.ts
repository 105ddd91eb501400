import {
  BasicBlock,
  BatchNorm2d,
  Conv2d,
  MaxPool2d,
  Projection,
  ReLU,
  Sequential,
} from '@igcnet/layers';
import { Network, Stage, type StageInfo } from '../common/network.js';
import { BN_RESIDUAL, type ModelOptions, resolveOptions } from '../common/options.js';
import { type UnitKind, unit } from '../common/units.js';

/** A ResNet-18-shaped ImageNet net of paper.md §2.4. */
export interface ImagenetConfig {
  name: string;
  title: string;
  /** Stem (7×7/2 conv) width C_s. */
  stemWidth: number;
  /** Widths of the 4 stages (56², 28², 14², 7² at 224²). */
  widths: readonly [number, number, number, number];
  /** Primary partitions L of each stage's IGCs; absent for the regular ResNet. */
  partitions?: readonly [number, number, number, number];
}

/**
 * Builds a ResNet-18-shaped net (official `resnet_imgnet_d18.py`, `resnet_igc_imgnet_d18.py` and
 * the released symbol JSONs): 7×7/2 stem → BN → ReLU → 3×3/2 max-pool, 4 stages × 2
 * post-activation basic blocks with stride 2 in the first unit of stages 2–4, then global
 * average pool → FC. A shortcut is the identity when the shape is unchanged, else a 1×1 conv +
 * BN: dense for ResNet, a group conv with the destination stage's L for IGC. Every IGC has
 * width/L secondary partitions, so its permutation back is the exact inverse. BN momentum 0.1.
 */
export function buildImagenet(config: ImagenetConfig, opts: ModelOptions = {}): Network {
  const { numClasses, inChannels, init } = resolveOptions(opts, 1000);
  const { stemWidth, widths, partitions } = config;
  const stem = new Sequential(
    ['conv', new Conv2d(inChannels, stemWidth, { kernelSize: 7, stride: 2, padding: 3, ...init })],
    ['bn', new BatchNorm2d(stemWidth, BN_RESIDUAL)],
    ['relu', new ReLU()],
    ['pool', new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 })],
  );
  const stages = new Sequential();
  const infos: StageInfo[] = [];
  let cin = stemWidth;
  widths.forEach((width, s) => {
    const L = partitions?.[s];
    const kind: UnitKind = L === undefined ? { kind: 'regular' } : { kind: 'igc', L };
    const blocks = new Sequential();
    for (let b = 0; b < 2; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const project = stride !== 1 || cin !== width;
      blocks.append(
        new BasicBlock({
          conv1: unit(kind, { inChannels: cin, outChannels: width, stride }, init),
          bn1: new BatchNorm2d(width, BN_RESIDUAL),
          conv2: unit(kind, { inChannels: width, outChannels: width, stride: 1 }, init),
          bn2: new BatchNorm2d(width, BN_RESIDUAL),
          ...(project
            ? {
                shortcut: new Projection(cin, width, {
                  stride,
                  groups: L ?? 1,
                  bn: BN_RESIDUAL,
                  ...init,
                }),
              }
            : {}),
        }),
      );
      cin = width;
    }
    const info: StageInfo = { width, units: 2, stride: s > 0 ? 2 : 1 };
    if (L !== undefined) Object.assign(info, { L, M: width / L });
    infos.push(info);
    stages.append(new Stage(blocks, info));
  });
  const first = infos[0]!;
  return new Network(
    {
      name: config.name,
      title: config.title,
      dataset: 'imagenet',
      inputShape: [inChannels, 224, 224],
      stemWidth,
      stages: infos,
      ...(first.L !== undefined && first.M !== undefined
        ? { igc: { L: first.L, M: first.M } }
        : {}),
    },
    stem,
    stages,
    numClasses,
    init,
  );
}

/** The five ImageNet nets of paper.md §2.4, by zoo name. */
export const IMAGENET_CONFIGS: readonly ImagenetConfig[] = [
  { name: 'resnet18', title: 'ResNet (C = 64)', stemWidth: 64, widths: [64, 128, 256, 512] },
  { name: 'resnet18-c69', title: 'ResNet (C = 69)', stemWidth: 69, widths: [69, 138, 276, 552] },
  {
    name: 'igc-l4m32-ident-imagenet',
    title: 'IGC-L4M32+Ident.',
    stemWidth: 128,
    widths: [128, 256, 512, 1024],
    partitions: [4, 4, 4, 4],
  },
  {
    name: 'igc-l16m16-ident-imagenet',
    title: 'IGC-L16M16+Ident.',
    stemWidth: 256,
    widths: [256, 512, 1024, 2048],
    partitions: [16, 16, 16, 16],
  },
  {
    // L doubles and M = 2 stays; stage 1 already doubles the stem's 100 channels, with a
    // projection shortcut (1×1, 100 groups, stride 1) and a 100-group primary conv 100 → 200.
    name: 'igc-l100m2-ident-imagenet',
    title: 'IGC-L100M2+Ident.',
    stemWidth: 100,
    widths: [200, 400, 800, 1600],
    partitions: [100, 200, 400, 800],
  },
];
