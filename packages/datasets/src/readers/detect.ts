import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import type { DatasetFormat } from '../types.js';
import { exists } from './files.js';

/** A recognised dataset folder. */
export interface DetectedDataset {
  readonly format: DatasetFormat;
  /** The folder the reader should be given. */
  readonly root: string;
  /** The splits whose files or folders are present. */
  readonly splits: readonly string[];
}

async function names(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(
      dir,
      code === 'ENOENT' ? 'folder not found' : `cannot list: ${(error as Error).message}`,
    );
  }
}

const has = (set: Set<string>, ...candidates: string[]) => candidates.some((c) => set.has(c));

/**
 * Recognises a dataset folder by the files of its canonical layout: CIFAR batches and meta
 * files, SVHN's `*_32x32.mat`, ImageNet's `LOC_synset_mapping.txt`, MNIST's IDX files. A
 * folder holding the extracted CIFAR archive (with `cifar-10-batches-bin/` inside) works too.
 */
export async function detectDataset(dir: string): Promise<DetectedDataset> {
  let entries = await names(dir);
  for (const sub of ['cifar-10-batches-bin', 'cifar-100-binary']) {
    if (entries.has(sub) && !has(entries, 'batches.meta.txt', 'fine_label_names.txt')) {
      dir = join(dir, sub);
      entries = await names(dir);
      break;
    }
  }
  const present = (pairs: [string, string[]][]) =>
    pairs.filter(([, files]) => has(entries, ...files)).map(([split]) => split);

  if (has(entries, 'batches.meta.txt', 'test_batch.bin', 'data_batch_1.bin')) {
    const train = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
    return {
      format: 'cifar10',
      root: dir,
      splits: present([
        ['train', train],
        ['test', ['test_batch.bin']],
      ]),
    };
  }
  if (has(entries, 'fine_label_names.txt', 'coarse_label_names.txt')) {
    return {
      format: 'cifar100',
      root: dir,
      splits: present([
        ['train', ['train.bin']],
        ['test', ['test.bin']],
      ]),
    };
  }
  if (has(entries, 'train_32x32.mat', 'test_32x32.mat', 'extra_32x32.mat')) {
    const splits = present([
      ['train', ['train_32x32.mat']],
      ['test', ['test_32x32.mat']],
      ['extra', ['extra_32x32.mat']],
    ]);
    return { format: 'svhn', root: dir, splits };
  }
  if (has(entries, 'LOC_synset_mapping.txt')) {
    const splits: string[] = [];
    for (const s of ['train', 'val']) if (await exists(join(dir, s))) splits.push(s);
    return { format: 'imagenet', root: dir, splits };
  }
  const idx = (n: string) => [n, `${n}.gz`];
  if (has(entries, ...idx('train-images-idx3-ubyte'), ...idx('t10k-images-idx3-ubyte'))) {
    const splits = present([
      ['train', idx('train-images-idx3-ubyte')],
      ['test', idx('t10k-images-idx3-ubyte')],
    ]);
    return { format: 'mnist', root: dir, splits };
  }
  throw new DatasetError(
    dir,
    'is not a dataset folder this tool knows: expected CIFAR-10 (batches.meta.txt), CIFAR-100 (fine_label_names.txt), SVHN (*_32x32.mat), ImageNet (LOC_synset_mapping.txt) or MNIST (*-idx3-ubyte) files',
  );
}
