import { BatchNorm2d, Conv2d, ReLU, Sequential } from '@igcnet/layers';
import { type Network, Stage, type StageInfo } from '../common/network.js';
import { BN_PLAIN, type ModelOptions, resolveOptions } from '../common/options.js';
import { ConvBnRelu, type UnitKind, unit } from '../common/units.js';
import { baseWidth, type CifarConfig, unitsPerStage } from './config.js';
import { cifarNetwork } from './network.js';

/**
 * A plain CIFAR net (official `plain.py` / `plain_igc.py`, paper.md §2.1): a regular 3×3 stem
 * with C₀ channels → BN → ReLU, then 3 stages of B = (depth − 2)/3 layers (unit → BN → ReLU) at
 * widths C₀, 2C₀, 4C₀, down-sampling by stride 2 in the first unit of stages 2 and 3, then global
 * average pool → FC. IGC layers keep L and double M per stage; a stage's first IGC maps C_in → 2C_in
 * with L groups and its secondary conv uses the new stage's 2M groups. BN momentum 0.01.
 */
export function buildCifarPlain(config: CifarConfig, opts: ModelOptions = {}): Network {
  if (config.ident) throw new Error('buildCifarPlain: use buildCifarResNet for +Ident. nets');
  const { numClasses, inChannels, init } = resolveOptions(opts, 10);
  const B = unitsPerStage(config.depth, false);
  const c0 = baseWidth(config);
  const kind: UnitKind =
    config.unit.kind === 'regular' ? { kind: 'regular' } : { kind: 'igc', L: config.unit.L };
  const stem = new Sequential(
    ['conv', new Conv2d(inChannels, c0, { kernelSize: 3, padding: 1, ...init })],
    ['bn', new BatchNorm2d(c0, BN_PLAIN)],
    ['relu', new ReLU()],
  );
  const stages = new Sequential();
  const infos: StageInfo[] = [];
  let cin = c0;
  for (let s = 0; s < 3; s++) {
    const width = c0 * 2 ** s;
    const layers = new Sequential();
    for (let i = 0; i < B; i++) {
      const stride = s > 0 && i === 0 ? 2 : 1;
      layers.append(
        new ConvBnRelu(
          unit(kind, { inChannels: cin, outChannels: width, stride }, init),
          width,
          BN_PLAIN,
        ),
      );
      cin = width;
    }
    const info: StageInfo = { width, units: B, stride: s > 0 ? 2 : 1 };
    if (config.unit.kind === 'igc')
      Object.assign(info, { L: config.unit.L, M: width / config.unit.L });
    infos.push(info);
    stages.append(new Stage(layers, info));
  }
  return cifarNetwork(config, { inChannels, numClasses, init }, c0, infos, stem, stages);
}
