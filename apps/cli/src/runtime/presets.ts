import type { DatasetFormat } from '@igcnet/datasets';

/** Training defaults per dataset, from the paper's protocol (paper.md §4) where it has one. */
export interface TrainPreset {
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /**
   * `paper`: ×0.1 at 1/2, 3/4, 7/8 of training; `step30`: ×0.1 every 30 epochs; `epoch-decay`:
   * ×`lrFactor` after every epoch (MXNet's MultiFactorScheduler with a step per epoch).
   */
  schedule: 'paper' | 'step30' | 'epoch-decay';
  /** The factor of `epoch-decay`. */
  lrFactor?: number;
  /**
   * Weight decay only on conv and FC weights and BN γ, not on biases and BN β: MXNet's default
   * (its optimiser gives `wd_mult` 0 to every parameter whose name does not end in `_weight` or
   * `_gamma`), as the IGCV3 scripts train. Absent: everything decays (the IGC presets).
   */
  decayWeightsOnly?: boolean;
  /** Training split. */
  trainSplit: string;
  /** Evaluation split. */
  testSplit: string;
}

const SGD = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 } as const;

/**
 * MNIST is not in the paper: its preset is the project's main job, sized to finish in minutes on
 * a 2-core CPU (one epoch of a narrow plain IGC net) while reaching ≥ 97 % test accuracy.
 */
export const MNIST_MAIN_JOB_MODEL = 'igc-l4m4-d8';

/** Presets by dataset. */
export const PRESETS: Readonly<Record<DatasetFormat, TrainPreset>> = {
  mnist: {
    model: MNIST_MAIN_JOB_MODEL,
    epochs: 1,
    batchSize: 64,
    ...SGD,
    schedule: 'paper',
    trainSplit: 'train',
    testSplit: 'test',
  },
  cifar10: {
    model: 'igc-l24m2-d20',
    epochs: 400,
    batchSize: 64,
    ...SGD,
    schedule: 'paper',
    trainSplit: 'train',
    testSplit: 'test',
  },
  cifar100: {
    model: 'igc-l24m2-d20',
    epochs: 400,
    batchSize: 64,
    ...SGD,
    schedule: 'paper',
    trainSplit: 'train',
    testSplit: 'test',
  },
  svhn: {
    model: 'igc-l24m2-d20',
    epochs: 40,
    batchSize: 64,
    ...SGD,
    schedule: 'paper',
    trainSplit: 'train+extra',
    testSplit: 'test',
  },
  imagenet: {
    model: 'igc-l100m2-ident-imagenet',
    epochs: 95,
    batchSize: 256,
    ...SGD,
    schedule: 'step30',
    trainSplit: 'train',
    testSplit: 'val',
  },
};

/**
 * IGCV3-D and MobileNetV2 on ImageNet, as homles11/IGCV3 trains them (`train_imagenet.py`,
 * `common/fit.py`, README): batch 96, SGD with momentum 0.9 (not Nesterov), lr 0.045 × 0.98 after
 * every epoch for 480 epochs, weight decay 4e-5 on weights only, He-normal initialisation (the
 * zoo's). Its augmentation (MXNet level 2: random crop, mirror, HSL jitter 36/50/50) is the
 * ImageNet loader's default.
 */
export const IGCV3_IMAGENET: TrainPreset = {
  model: 'igcv3-imagenet',
  epochs: 480,
  batchSize: 96,
  lr: 0.045,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 4e-5,
  schedule: 'epoch-decay',
  lrFactor: 0.98,
  decayWeightsOnly: true,
  trainSplit: 'train',
  testSplit: 'val',
};

/** Whether a zoo name is an IGCV3 or MobileNetV2 net. */
export function isMobileNet(model: string): boolean {
  return /^(igcv3|mobilenetv2)-/i.test(model.trim());
}

/**
 * The recipe for a dataset and, when given, a model: the IGCV3 repository's ImageNet recipe for
 * an IGCV3 or MobileNetV2 net on ImageNet, else the dataset's preset (with the model). The
 * repository and its README give no CIFAR recipe, so `igcv3-cifar` and `mobilenetv2-cifar` train
 * with the CIFAR preset (the IGC paper's protocol).
 */
export function presetFor(format: DatasetFormat, model?: string): TrainPreset {
  if (format === 'imagenet' && model !== undefined && isMobileNet(model)) return IGCV3_IMAGENET;
  return PRESETS[format];
}

/** Whether a string names a dataset format. */
export function isDatasetFormat(s: string): s is DatasetFormat {
  return s in PRESETS;
}
