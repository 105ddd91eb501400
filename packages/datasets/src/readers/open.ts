import { DatasetError } from '../errors.js';
import type { JpegPool } from '../loader/jpeg-pool.js';
import type { CropPlan } from '../transforms/crop-plan.js';
import type { Dataset, DatasetFormat } from '../types.js';
import { readCifar10, readCifar100 } from './cifar.js';
import { detectDataset } from './detect.js';
import { readImageNet } from './imagenet.js';
import { readMnist } from './mnist.js';
import { readSvhn, type SvhnSplit } from './svhn.js';

/** Options for {@link openDataset}. */
export interface OpenOptions {
  /** The split to read: `train`, `test`, `val`, `extra` or `train+extra` (SVHN). */
  split: string;
  /** Skip detection and read the folder as this format. */
  format?: DatasetFormat;
  /** CIFAR-100: fine (default) or coarse labels. */
  labels?: 'fine' | 'coarse';
  /** ImageNet: decode-time crop. */
  crop?: CropPlan;
  /** ImageNet: decode workers to share. */
  pool?: JpegPool;
}

/** Opens a split of any supported dataset folder, detecting its format from its files. */
export async function openDataset(dir: string, options: OpenOptions): Promise<Dataset> {
  const detected =
    options.format === undefined ? await detectDataset(dir) : { format: options.format, root: dir };
  const { format, root } = detected;
  const split = options.split;
  const bad = (allowed: string[]) => {
    if (!allowed.includes(split)) {
      throw new DatasetError(
        root,
        `${format} has no split "${split}"; expected ${allowed.join(', ')}`,
      );
    }
  };
  switch (format) {
    case 'cifar10':
      bad(['train', 'test']);
      return readCifar10(root, { split: split as 'train' | 'test' });
    case 'cifar100':
      bad(['train', 'test']);
      return readCifar100(root, {
        split: split as 'train' | 'test',
        labels: options.labels ?? 'fine',
      });
    case 'svhn':
      bad(['train', 'test', 'extra', 'train+extra']);
      return readSvhn(root, { split: split as SvhnSplit });
    case 'imagenet':
      bad(['train', 'val']);
      return readImageNet(root, {
        split: split as 'train' | 'val',
        crop: options.crop,
        pool: options.pool,
      });
    case 'mnist':
      bad(['train', 'test']);
      return readMnist({ dir: root, split: split as 'train' | 'test' });
  }
}
