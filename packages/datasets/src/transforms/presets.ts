import type { DatasetFormat } from '../types.js';
import { horizontalFlip, padCrop } from './augment.js';
import { NORMALIZATION, normalize } from './normalize.js';
import { compose, type Transform } from './transform.js';

/**
 * The paper's training transforms for a dataset (§4): CIFAR pads 4 with the rounded channel
 * mean, crops and flips, then normalises; SVHN, MNIST and ImageNet only normalise here (the
 * ImageNet crop, mirror and HSL colour jitter happen on the 8-bit pixels at decode time, see
 * `scaleAspectCrop`).
 */
export function trainTransforms(format: DatasetFormat): Transform {
  const stats = NORMALIZATION[format];
  if (format === 'cifar10' || format === 'cifar100') {
    return compose(
      padCrop({ pad: 4, fill: stats.mean.map(Math.round) }),
      horizontalFlip(),
      normalize(stats),
    );
  }
  return normalize(stats);
}

/**
 * The paper's test-time transforms: normalisation only. ImageNet decodes with `centerCrop`,
 * which has no colour jitter.
 */
export function evalTransforms(format: DatasetFormat): Transform {
  return normalize(NORMALIZATION[format]);
}
