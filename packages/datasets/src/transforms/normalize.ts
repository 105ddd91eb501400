import type { DatasetFormat } from '../types.js';
import type { Transform } from './transform.js';

/** Per-channel mean and standard deviation in 0–255 RGB. */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Normalisation values per dataset. CIFAR, SVHN and ImageNet are the paper's (paper.md §4);
 * `imagenet-torch` is the `--fb-mean` alternative. MNIST is not in the paper: its values are
 * the usual 0.1307/0.3081 scaled to 0–255.
 */
export const NORMALIZATION: Readonly<Record<DatasetFormat | 'imagenet-torch', ChannelStats>> = {
  cifar10: { mean: [125.307, 122.95, 113.865], std: [62.993, 62.089, 66.705] },
  cifar100: { mean: [129.304, 124.07, 112.434], std: [68.17, 65.392, 70.418] },
  svhn: { mean: [111.609, 113.161, 120.565], std: [50.498, 51.259, 50.244] },
  imagenet: { mean: [123.37, 112.757, 99.406], std: [68.998, 66.093, 68.292] },
  'imagenet-torch': { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
  mnist: { mean: [0.1307 * 255], std: [0.3081 * 255] },
};

/** (x − mean[c]) / std[c] for each channel c. */
export function normalize(stats: ChannelStats): Transform {
  const scale = stats.std.map((s) => 1 / s);
  return (img) => {
    const [c, h, w] = img.shape;
    if (stats.mean.length !== c || stats.std.length !== c) {
      throw new Error(`normalize has ${stats.mean.length} channel means for a ${c}-channel image`);
    }
    const plane = h * w;
    const d = img.data;
    for (let ch = 0; ch < c; ch++) {
      const m = stats.mean[ch]!;
      const k = scale[ch]!;
      const end = (ch + 1) * plane;
      for (let i = ch * plane; i < end; i++) d[i] = (d[i]! - m) * k;
    }
    return img;
  };
}
