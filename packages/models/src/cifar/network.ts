import type { InitOptions, Sequential } from '@igcnet/layers';
import { Network, type StageInfo } from '../common/network.js';
import { type CifarConfig, cifarName, cifarTitle } from './config.js';

/** The zoo network around a CIFAR/SVHN stem and stages, plain or +Ident. alike. */
export function cifarNetwork(
  config: CifarConfig,
  o: { inChannels: number; numClasses: number; init: InitOptions },
  stemWidth: number,
  infos: StageInfo[],
  stem: Sequential,
  stages: Sequential,
): Network {
  return new Network(
    {
      name: cifarName(config),
      title: cifarTitle(config),
      dataset: 'cifar',
      inputShape: [o.inChannels, 32, 32],
      stemWidth,
      stages: infos,
      ...(config.unit.kind === 'igc' ? { igc: { L: config.unit.L, M: config.unit.M } } : {}),
    },
    stem,
    stages,
    o.numClasses,
    o.init,
  );
}
