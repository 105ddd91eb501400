/** Builders for small on-disk dataset fixtures used by the tests. Not part of the public API. */

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** `../shared/data` beside the repository root, found from this file's location. */
export const SHARED_DATA = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/data',
);
/** Whether the shared real data is present (it is on dev machines and CI, not for users). */
export const HAS_SHARED_DATA = existsSync(join(SHARED_DATA, 'README.md'));

export async function tempDir(prefix = 'igc-datasets-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The pixel value of fixture CIFAR record i, channel ch, position p: distinct per record. */
export function cifarPixel(i: number, ch: number, p: number): number {
  return (i * 11 + ch * 85 + p) % 256;
}

/** Bytes of a CIFAR batch: each record's label bytes, then its 3,072 pixels. */
export function cifarBatch(labels: number[][]): Uint8Array {
  const rec = labels[0]!.length + 3072;
  const out = new Uint8Array(labels.length * rec);
  labels.forEach((ls, i) => {
    out.set(ls, i * rec);
    for (let ch = 0; ch < 3; ch++)
      for (let p = 0; p < 1024; p++)
        out[i * rec + ls.length + ch * 1024 + p] = cifarPixel(i, ch, p);
  });
  return out;
}

export const CIFAR10_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** A `cifar-10-batches-bin` folder with the given batches (file name → labels). */
export async function writeCifar10(
  dir: string,
  batches: Record<string, number[]>,
): Promise<string> {
  const root = join(dir, 'cifar-10-batches-bin');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'batches.meta.txt'), `${CIFAR10_NAMES.join('\n')}\n\n`);
  for (const [name, labels] of Object.entries(batches)) {
    await writeFile(join(root, name), cifarBatch(labels.map((l) => [l])));
  }
  return root;
}

/** A `cifar-100-binary` folder; records are [coarse, fine]. */
export async function writeCifar100(
  dir: string,
  splits: Record<string, [number, number][]>,
): Promise<string> {
  const root = join(dir, 'cifar-100-binary');
  await mkdir(root, { recursive: true });
  await writeFile(
    join(root, 'fine_label_names.txt'),
    Array.from({ length: 100 }, (_, i) => `fine${i}`).join('\n'),
  );
  await writeFile(
    join(root, 'coarse_label_names.txt'),
    Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n'),
  );
  for (const [split, labels] of Object.entries(splits)) {
    await writeFile(join(root, `${split}.bin`), cifarBatch(labels));
  }
  return root;
}

/** An IDX file of unsigned bytes. */
export function idx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const dv = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    dv.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** A small JPEG of a colour gradient; `gray` makes a one-channel JPEG. */
export async function makeJpeg(
  width: number,
  height: number,
  seed = 0,
  gray = false,
): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      raw[o] = (x * 4 + seed * 40) % 256;
      raw[o + 1] = (y * 4) % 256;
      raw[o + 2] = (seed * 90 + 60) % 256;
    }
  let img = sharp(raw, { raw: { width, height, channels: 3 } });
  if (gray) img = img.greyscale();
  return img.jpeg({ quality: 90 }).toBuffer();
}

export const WNIDS = ['n01440764', 'n01443537', 'n01484850'];

/** An ImageNet folder: LOC_synset_mapping.txt with three classes and a train split. */
export async function writeImageNet(dir: string, perClass: number[]): Promise<string> {
  await writeFile(
    join(dir, 'LOC_synset_mapping.txt'),
    'n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\nn01484850 great white shark\n',
  );
  for (let c = 0; c < perClass.length; c++) {
    const classDir = join(dir, 'train', WNIDS[c]!);
    await mkdir(classDir, { recursive: true });
    for (let i = 0; i < perClass[c]!; i++) {
      await writeFile(join(classDir, `${WNIDS[c]}_${i}.JPEG`), await makeJpeg(48 + 8 * i, 40, c));
    }
  }
  return dir;
}
