import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { readMatFile } from '../mat/read-mat.js';
import type { MatVariable } from '../mat/types.js';
import type { Dataset } from '../types.js';
import { ConcatDataset } from './concat-dataset.js';
import { exists } from './files.js';
import { PackedDataset } from './packed-dataset.js';

/** SVHN's splits; `train+extra` is the 604,388-image training set of the paper. */
export type SvhnSplit = 'train' | 'test' | 'extra' | 'train+extra';

/** Options for {@link readSvhn}. */
export interface SvhnOptions {
  split: SvhnSplit;
}

/** Class i is the digit i (SVHN stores digit 0 as label 10). */
export const SVHN_CLASS_NAMES: readonly string[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
];

/**
 * The most bytes one element of an SVHN file may inflate to: `X` of 600,000 images (the largest
 * split, extra, has 531,131) plus its header. A compressed element claiming more is refused
 * before it is inflated.
 */
export const SVHN_MAX_ELEMENT_BYTES = 600_000 * 3 * 32 * 32 + 4096;

/**
 * Reads SVHN's cropped-digit format (`train_32x32.mat`, `test_32x32.mat`, `extra_32x32.mat`).
 * `X` is 32×32×3×N uint8 in MATLAB order and `y` is N×1 with label 10 for digit 0.
 */
export async function readSvhn(dir: string, options: SvhnOptions): Promise<Dataset> {
  if (options.split === 'train+extra') {
    const train = await readSvhnFile(join(dir, 'train_32x32.mat'), 'train');
    const extra = await readSvhnFile(join(dir, 'extra_32x32.mat'), 'extra');
    return new ConcatDataset([train, extra], 'train+extra');
  }
  if (!['train', 'test', 'extra'].includes(options.split)) {
    throw new DatasetError(dir, `unknown SVHN split "${options.split}"`);
  }
  return readSvhnFile(join(dir, `${options.split}_32x32.mat`), options.split);
}

async function readSvhnFile(file: string, split: string): Promise<PackedDataset> {
  if (!(await exists(file)))
    throw new DatasetError(file, `missing split "${split}": file not found`);
  const vars = await readMatFile(file, { maxElementBytes: SVHN_MAX_ELEMENT_BYTES });
  const fail = (problem: string): never => {
    throw new DatasetError(file, problem);
  };
  const find = (name: string): MatVariable => {
    const v = vars.find((x) => x.name === name);
    if (v === undefined) {
      const found = vars.map((x) => JSON.stringify(x.name)).join(', ') || 'none';
      return fail(`has no variable "${name}" (found ${found}); expected SVHN's "X" and "y"`);
    }
    return v;
  };
  const x = find('X');
  const y = find('y');
  if (x.class !== 'uint8' || x.complex || x.data === undefined) {
    fail(`variable "X" is ${x.complex ? 'complex ' : ''}${x.class}, expected uint8 pixels`);
  }
  const [h, w, c, n = 1] = x.dims;
  if (x.dims.length > 4 || h !== 32 || w !== 32 || c !== 3) {
    fail(`variable "X" is ${x.dims.join('×')}, expected 32×32×3×N`);
  }
  if (y.data === undefined || y.complex || y.class === 'char' || y.class === 'logical') {
    fail(`variable "y" is ${y.class}, expected numeric labels (double)`);
  }
  const yCount = y.dims.reduce((a, b) => a * b, 1);
  if (y.dims.length !== 2 || Math.min(y.dims[0]!, y.dims[1]!) !== 1 || yCount !== n) {
    fail(`variable "y" is ${y.dims.join('×')}, expected ${n}×1 (one label per image in "X")`);
  }
  const labels = new Int32Array(n);
  const raw = y.data!;
  for (let i = 0; i < n; i++) {
    const v = Number(raw[i]);
    if (!Number.isInteger(v) || v < 1 || v > 10) {
      fail(`variable "y" has label ${v} at image ${i}, expected 1..10`);
    }
    labels[i] = v === 10 ? 0 : v;
  }
  return new PackedDataset({
    format: 'svhn',
    split,
    classNames: SVHN_CLASS_NAMES,
    imageShape: [3, 32, 32],
    labels,
    layout: { kind: 'matlab', bytes: x.data as Uint8Array },
  });
}
