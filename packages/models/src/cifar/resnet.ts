import { BasicBlock, BatchNorm2d, Conv2d, Projection, ReLU, Sequential } from '@igcnet/layers';
import { type Network, Stage, type StageInfo } from '../common/network.js';
import { BN_RESIDUAL, type ModelOptions, resolveOptions } from '../common/options.js';
import { type UnitKind, unit } from '../common/units.js';
import { baseWidth, type CifarConfig, unitsPerStage } from './config.js';
import { cifarNetwork } from './network.js';

/**
 * A "+Ident." CIFAR net (official `resnet.py` / `resnet_igc.py`, paper.md §2.2): the regular 3×3
 * stem → BN → ReLU, then 3 stages of n = (depth − 2)/6 post-activation basic blocks at widths C₀,
 * 2C₀, 4C₀ (stride 2 in the first unit of stages 2 and 3), then global average pool → FC.
 *
 * Official details reproduced for exact counts:
 * - the down-sampling shortcut is a 1×1 stride-2 conv + BN: dense for RegConv, a group conv with
 *   L groups for IGC (§5 item 3);
 * - an IGC block's first unit has `Cin/L` secondary partitions (its second `Cout/L`), so in a
 *   down-sampling block the first unit's secondary conv has M_prev partitions of 2L channels and
 *   permutes back with M_prev (§5 item 4).
 *
 * BN momentum 0.1.
 */
export function buildCifarResNet(config: CifarConfig, opts: ModelOptions = {}): Network {
  if (!config.ident) throw new Error('buildCifarResNet: use buildCifarPlain for plain nets');
  const { numClasses, inChannels, init } = resolveOptions(opts, 10);
  const n = unitsPerStage(config.depth, true);
  const c0 = baseWidth(config);
  const L = config.unit.kind === 'igc' ? config.unit.L : undefined;
  const kind: UnitKind = L === undefined ? { kind: 'regular' } : { kind: 'igc', L };
  const stem = new Sequential(
    ['conv', new Conv2d(inChannels, c0, { kernelSize: 3, padding: 1, ...init })],
    ['bn', new BatchNorm2d(c0, BN_RESIDUAL)],
    ['relu', new ReLU()],
  );
  const stages = new Sequential();
  const infos: StageInfo[] = [];
  let cin = c0;
  for (let s = 0; s < 3; s++) {
    const width = c0 * 2 ** s;
    const blocks = new Sequential();
    for (let b = 0; b < n; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const project = stride !== 1 || cin !== width;
      blocks.append(
        new BasicBlock({
          conv1: unit(
            kind,
            {
              inChannels: cin,
              outChannels: width,
              stride,
              ...(L !== undefined ? { secondaryPartitions: cin / L } : {}),
            },
            init,
          ),
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
    const info: StageInfo = { width, units: n, stride: s > 0 ? 2 : 1 };
    if (L !== undefined) Object.assign(info, { L, M: width / L });
    infos.push(info);
    stages.append(new Stage(blocks, info));
  }
  return cifarNetwork(config, { inChannels, numClasses, init }, c0, infos, stem, stages);
}
