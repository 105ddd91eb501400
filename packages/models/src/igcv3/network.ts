import {
  BatchNorm2d,
  type BatchNorm2dOptions,
  Conv2d,
  igcv3Block,
  mobileNetV2Block,
  ReLU6,
  Sequential,
} from '@igcnet/layers';
import { Network, Stage, type StageInfo } from '../common/network.js';
import { type ModelOptions, resolveOptions } from '../common/options.js';
import { type MobileConfig, mobileName, mobilePlan, mobileTitle } from './config.js';

/** BN of the official IGCV3 and MobileNetV2 symbols: eps 1e-5, MXNet momentum 0.9. */
export const BN_MOBILE: BatchNorm2dOptions = { eps: 1e-5, momentum: 0.1 };

/**
 * Dropout before the classifier of the CIFAR variants (the official repository has no CIFAR
 * script): 0.2, as torchvision's MobileNetV2 and the configuration of the IGCV3 PyTorch
 * re-implementation that the CIFAR layout follows.
 */
export const CIFAR_DROPOUT = 0.2;

/** 3×3 (stem) or 1×1 (head) conv → BN → ReLU6, as the official `mobilenet_unit`. */
function convBnRelu6(conv: Conv2d, channels: number): Sequential {
  return new Sequential(
    ['conv', conv],
    ['bn', new BatchNorm2d(channels, BN_MOBILE)],
    ['relu6', new ReLU6()],
  );
}

/**
 * Builds IGCV3-D or the repository's MobileNetV2 (homles11/IGCV3 `symbols/igcv3.py`,
 * `symbols/mobilenetv2.py`): stem 3×3/2 conv → BN → ReLU6; the seven stages of inverted
 * residual blocks (a shortcut in every block of a stage but the first; widths from
 * `mobilePlan`, quirks included); head 1×1 conv → BN → ReLU6; global average pool; a linear
 * classifier with bias. No conv has a bias; weights are He-normal (MXNet's Xavier(gaussian, in,
 * 2) of the official `fit.py`), the classifier's too.
 *
 * The CIFAR variant (32×32; the official repository has no CIFAR script) follows the common
 * CIFAR re-implementations: stem stride 1 and the 24-channel stage at stride 1, so the last map
 * is 4×4 (its 4×4 average pool is the global pool), and dropout before the classifier.
 *
 * `opts.secondPermutation` adds the permutation after each block's linear BN, as the later
 * official igcv3.py (385b327) writes it. Off by default: the released model and the code it was
 * trained with (bdf9a8f, where that permutation is built but its result never used) have none.
 */
export function buildMobileNet(config: MobileConfig, opts: ModelOptions = {}): Network {
  const cifar = config.dataset === 'cifar';
  const { numClasses, inChannels, init } = resolveOptions(opts, cifar ? 10 : 1000);
  const igcv3 = config.family === 'igcv3';
  if (opts.secondPermutation && !igcv3)
    throw new Error('secondPermutation applies to IGCV3 nets only');
  const dropout = opts.dropout ?? (cifar ? CIFAR_DROPOUT : 0);
  const plan = mobilePlan(config.family, config.width);
  const all = [plan.stem, plan.head, ...plan.stages.flatMap((s) => [s.channels, s.expanded])];
  if (all.some((c) => c < 1) || plan.stages.some((s) => s.firstExpanded < 1))
    throw new Error(`width ${config.width} leaves a layer without channels`);

  const stem = convBnRelu6(
    new Conv2d(inChannels, plan.stem, {
      kernelSize: 3,
      stride: cifar ? 1 : 2,
      padding: 1,
      ...init,
    }),
    plan.stem,
  );
  const stages = new Sequential();
  const infos: StageInfo[] = [];
  let cin = plan.stem;
  plan.stages.forEach((s, i) => {
    const stride = cifar && i === 1 ? 1 : s.stride;
    const blocks = new Sequential();
    for (let b = 0; b < s.blocks; b++) {
      const settings = {
        expandedChannels: b === 0 ? s.firstExpanded : s.expanded,
        stride: b === 0 ? stride : 1,
        shortcut: b > 0,
        bn: BN_MOBILE,
        ...init,
      };
      blocks.append(
        igcv3
          ? igcv3Block(cin, s.channels, {
              ...settings,
              ...(opts.secondPermutation ? { secondPermutation: true } : {}),
            })
          : mobileNetV2Block(cin, s.channels, settings),
      );
      cin = s.channels;
    }
    const info: StageInfo = {
      width: s.channels,
      units: s.blocks,
      stride,
      expansion: s.t,
      ...(igcv3 ? { pointwiseGroups: 2 } : {}),
    };
    infos.push(info);
    stages.append(new Stage(blocks, info));
  });
  const head = convBnRelu6(new Conv2d(cin, plan.head, { kernelSize: 1, ...init }), plan.head);
  const size = cifar ? 32 : 224;
  return new Network(
    {
      name: mobileName(config),
      title: mobileTitle(config),
      dataset: config.dataset,
      inputShape: [inChannels, size, size],
      stemWidth: plan.stem,
      stages: infos,
      widthMultiplier: config.width,
      headWidth: plan.head,
    },
    stem,
    stages,
    numClasses,
    init,
    {
      head,
      width: plan.head,
      ...(dropout > 0 ? { dropout } : {}),
      fcInit: 'he-normal',
    },
  );
}
