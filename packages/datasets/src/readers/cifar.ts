import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import type { Dataset } from '../types.js';
import { ConcatDataset } from './concat-dataset.js';
import { exists, readBytes, readNameList } from './files.js';
import { PackedDataset } from './packed-dataset.js';

const PIXELS = 3 * 32 * 32;
const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);

/** Options for {@link readCifar10}. */
export interface Cifar10Options {
  split: 'train' | 'test';
}

/** Options for {@link readCifar100}. */
export interface Cifar100Options {
  split: 'train' | 'test';
  /** Which of the two label bytes to use: 100 fine classes (default) or 20 coarse ones. */
  labels?: 'fine' | 'coarse';
}

/** Uses `dir/<sub>` when the user gave the folder that holds the extracted archive. */
async function resolveDir(dir: string, sub: string): Promise<string> {
  return (await exists(join(dir, sub))) ? join(dir, sub) : dir;
}

/**
 * Reads a split of the CIFAR-10 binary distribution (`cifar-10-batches-bin/`). `dir` is that
 * folder or its parent. Training uses whichever of the five batches are present and says so in
 * `notes` when some are missing.
 */
export async function readCifar10(dir: string, options: Cifar10Options): Promise<Dataset> {
  const root = await resolveDir(dir, 'cifar-10-batches-bin');
  const classNames = await readNameList(join(root, 'batches.meta.txt'), 10);
  const read = (file: string) =>
    readCifarFile(join(root, file), {
      format: 'cifar10',
      split: options.split,
      classNames,
      labelBytes: 1,
      labelIndex: 0,
    });
  if (options.split === 'test') return read('test_batch.bin');
  if (options.split !== 'train')
    throw new DatasetError(root, `unknown CIFAR-10 split "${options.split}"`);

  const present: string[] = [];
  for (const f of TRAIN_BATCHES) if (await exists(join(root, f))) present.push(f);
  if (present.length === 0) {
    throw new DatasetError(
      root,
      `missing split "train": none of ${TRAIN_BATCHES.join(', ')} is present`,
    );
  }
  const parts = [];
  for (const f of present) parts.push(await read(f));
  const notes: string[] = [];
  if (present.length < TRAIN_BATCHES.length) {
    const count = parts.reduce((n, p) => n + p.length, 0);
    const missing = TRAIN_BATCHES.filter((f) => !present.includes(f));
    notes.push(
      `train: ${present.length} of 5 training batches present (${count} images); missing ${missing.join(', ')}`,
    );
  }
  return parts.length === 1 && notes.length === 0
    ? parts[0]!
    : new ConcatDataset(parts, 'train', notes);
}

/**
 * Reads a split of the CIFAR-100 binary distribution (`cifar-100-binary/`): `train.bin` or
 * `test.bin`, with fine (100) or coarse (20) labels named by the matching meta file.
 */
export async function readCifar100(dir: string, options: Cifar100Options): Promise<Dataset> {
  const root = await resolveDir(dir, 'cifar-100-binary');
  const coarse = options.labels === 'coarse';
  const classNames = coarse
    ? await readNameList(join(root, 'coarse_label_names.txt'), 20)
    : await readNameList(join(root, 'fine_label_names.txt'), 100);
  if (options.split !== 'train' && options.split !== 'test') {
    throw new DatasetError(root, `unknown CIFAR-100 split "${options.split}"`);
  }
  return readCifarFile(join(root, `${options.split}.bin`), {
    format: 'cifar100',
    split: options.split,
    classNames,
    labelBytes: 2,
    labelIndex: coarse ? 0 : 1,
  });
}

/** What a CIFAR binary file holds: its format, split, class names and label bytes. */
export interface CifarFileSpec {
  format: 'cifar10' | 'cifar100';
  split: string;
  classNames: readonly string[];
  /** Label bytes before the pixels of each record. */
  labelBytes: number;
  /** Which of those bytes is the label used. */
  labelIndex: number;
}

async function readCifarFile(file: string, spec: CifarFileSpec): Promise<PackedDataset> {
  if (!(await exists(file))) {
    throw new DatasetError(file, `missing split "${spec.split}": file not found`);
  }
  return parseCifarFile(await readBytes(file), file, spec);
}

/**
 * Parses the bytes of a CIFAR-10 or CIFAR-100 binary file (records of label bytes then 3,072
 * pixel bytes); `file` names the source in errors. Every label byte is checked.
 */
export function parseCifarFile(
  bytes: Uint8Array,
  file: string,
  spec: CifarFileSpec,
): PackedDataset {
  const record = spec.labelBytes + PIXELS;
  const name = spec.format === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new DatasetError(
      file,
      `size ${bytes.length} is not a multiple of the ${record}-byte ${name} record` +
        (bytes.length > record
          ? ` (${Math.floor(bytes.length / record)} whole records and ${bytes.length % record} bytes over)`
          : ''),
    );
  }
  const n = bytes.length / record;
  const labels = new Int32Array(n);
  // Every label byte is checked, not only the one used: a bad byte means a corrupt file.
  const limits = spec.format === 'cifar10' ? [10] : [20, 100];
  const kinds = spec.format === 'cifar10' ? ['label'] : ['coarse label', 'fine label'];
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < spec.labelBytes; b++) {
      const value = bytes[i * record + b]!;
      if (value >= limits[b]!) {
        throw new DatasetError(
          file,
          `record ${i} has ${kinds[b]} ${value}, expected 0..${limits[b]! - 1}; the file is corrupt or not ${name}`,
        );
      }
    }
    labels[i] = bytes[i * record + spec.labelIndex]!;
  }
  return new PackedDataset({
    format: spec.format,
    split: spec.split,
    classNames: spec.classNames,
    imageShape: [3, 32, 32],
    labels,
    layout: { kind: 'planar', bytes, offset: spec.labelBytes, stride: record },
  });
}
