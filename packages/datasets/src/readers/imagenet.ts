import { basename, extname, join } from 'node:path';
import { DatasetError } from '../errors.js';
import { JpegPool } from '../loader/jpeg-pool.js';
import { type CropPlan, centerCrop, scaleAspectCrop } from '../transforms/crop-plan.js';
import type { Dataset, GetOptions, ImageShape, Sample } from '../types.js';
import { exists, readBytes } from './files.js';
import { listFolder, realRoot } from './folder-entries.js';

/** Options for {@link readImageNet}. */
export interface ImageNetOptions {
  split: 'train' | 'val';
  /** Decode-time crop; default {@link scaleAspectCrop} for train, {@link centerCrop} for val. */
  crop?: CropPlan;
  /** Decode workers to use; by default the dataset starts its own pool, closed by `close()`. */
  pool?: JpegPool;
}

const IMAGE_EXTENSIONS = new Set(['.jpeg', '.jpg', '.png']);
const isImage = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/** The 1,000 classes in canonical order from `LOC_synset_mapping.txt`. */
export interface SynsetMapping {
  readonly wnids: readonly string[];
  readonly names: readonly string[];
}

/** Reads `LOC_synset_mapping.txt`: one `<wnid> <names>` per line, in class order. */
export async function readSynsetMapping(file: string): Promise<SynsetMapping> {
  const lines = (await readBytes(file)).toString('utf8').split(/\r?\n/);
  const wnids: string[] = [];
  const names: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^(n\d{8})\s+(.*)$/.exec(line.trim());
    if (match === null)
      throw new DatasetError(file, `line ${i + 1} is not "<wnid> <names>": "${line}"`);
    wnids.push(match[1]!);
    names.push(match[2]!);
  });
  if (wnids.length === 0) throw new DatasetError(file, 'lists no classes');
  if (new Set(wnids).size !== wnids.length) throw new DatasetError(file, 'lists a wnid twice');
  return { wnids, names };
}

/** Reads `LOC_val_solution.csv` into image id → wnid (the first box's class). */
async function readValSolution(file: string): Promise<Map<string, string>> {
  const lines = (await readBytes(file)).toString('utf8').split(/\r?\n/);
  if (!/^ImageId,PredictionString/.test(lines[0] ?? '')) {
    throw new DatasetError(file, 'first line must be the header "ImageId,PredictionString"');
  }
  const out = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const [id, prediction] = line.split(',');
    const wnid = prediction?.trim().split(/\s+/)[0];
    if (id === undefined || wnid === undefined || wnid === '') {
      throw new DatasetError(file, `line ${i + 1} has no class: "${line}"`);
    }
    out.set(id, wnid);
  }
  return out;
}

/**
 * Reads an ImageNet split in ImageFolder layout: `<split>/<wnid>/*.JPEG`, or for `val` a flat
 * folder labelled by `LOC_val_solution.csv`. Class order comes from `LOC_synset_mapping.txt`
 * in `dir`. Listing reads no image; decoding happens in worker threads when samples are read.
 * Symbolic links (images or class folders) are followed when they stay inside `dir` and refused
 * by name when they lead out of it or nowhere.
 */
export async function readImageNet(
  dir: string,
  options: ImageNetOptions,
): Promise<ImageNetDataset> {
  const mapping = await readSynsetMapping(join(dir, 'LOC_synset_mapping.txt'));
  const classIndex = new Map(mapping.wnids.map((w, i) => [w, i]));
  const split = options.split;
  const splitDir = join(dir, split);
  const root = await realRoot(dir);
  const entries = await listFolder(splitDir, root, `missing split "${split}": folder not found`);
  const classDirs = entries
    .filter((e) => e.kind === 'dir')
    .map((e) => e.name)
    .sort();
  const files: string[] = [];
  const labels: number[] = [];

  if (classDirs.length > 0) {
    const byClass: { label: number; dir: string }[] = [];
    for (const name of classDirs) {
      const label = classIndex.get(name);
      if (label === undefined) {
        throw new DatasetError(
          join(splitDir, name),
          'folder is not a class listed in LOC_synset_mapping.txt',
        );
      }
      byClass.push({ label, dir: name });
    }
    byClass.sort((a, b) => a.label - b.label);
    for (const { label, dir: name } of byClass) {
      const classDir = join(splitDir, name);
      const images = (await listFolder(classDir, root, 'class folder disappeared while listing'))
        .filter((e) => e.kind === 'file' && isImage(e.name))
        .map((e) => e.name)
        .sort();
      if (images.length === 0)
        throw new DatasetError(classDir, 'class folder is empty (no .JPEG/.jpg/.png files)');
      for (const f of images) {
        files.push(join(classDir, f));
        labels.push(label);
      }
    }
  } else {
    const images = entries
      .filter((e) => e.kind === 'file' && isImage(e.name))
      .map((e) => e.name)
      .sort();
    if (images.length === 0)
      throw new DatasetError(splitDir, `split "${split}" has no class folders and no images`);
    const csvCandidates = [
      join(dir, 'LOC_val_solution.csv'),
      join(splitDir, 'LOC_val_solution.csv'),
    ];
    let csv: string | undefined;
    for (const c of csvCandidates) if (csv === undefined && (await exists(c))) csv = c;
    if (csv === undefined) {
      throw new DatasetError(
        splitDir,
        `flat ${split} folder needs labels: ${csvCandidates[0]} not found`,
      );
    }
    const solution = await readValSolution(csv);
    for (const f of images) {
      const id = basename(f, extname(f));
      const wnid = solution.get(id);
      if (wnid === undefined) throw new DatasetError(join(splitDir, f), `has no label in ${csv}`);
      const label = classIndex.get(wnid);
      if (label === undefined)
        throw new DatasetError(csv, `class ${wnid} of ${id} is not in LOC_synset_mapping.txt`);
      files.push(join(splitDir, f));
      labels.push(label);
    }
  }
  const crop = options.crop ?? (split === 'train' ? scaleAspectCrop() : centerCrop());
  return new ImageNetDataset({
    split,
    mapping,
    files,
    labels: Int32Array.from(labels),
    crop,
    pool: options.pool,
  });
}

interface ImageNetInit {
  split: string;
  mapping: SynsetMapping;
  files: string[];
  labels: Int32Array;
  crop: CropPlan;
  pool: JpegPool | undefined;
}

/** An ImageNet split: file paths and labels, decoded on demand in worker threads. */
export class ImageNetDataset implements Dataset {
  readonly format = 'imagenet' as const;
  readonly split: string;
  readonly classNames: readonly string[];
  /** WordNet ids, in class order. */
  readonly classIds: readonly string[];
  readonly files: readonly string[];
  readonly labels: Int32Array;
  readonly crop: CropPlan;
  readonly imageShape: ImageShape;
  readonly notes: readonly string[] = [];
  #pool: JpegPool | undefined;
  readonly #ownsPool: boolean;

  constructor(init: ImageNetInit) {
    this.split = init.split;
    this.classNames = init.mapping.names;
    this.classIds = init.mapping.wnids;
    this.files = init.files;
    this.labels = init.labels;
    this.crop = init.crop;
    this.imageShape = [3, init.crop.size, init.crop.size];
    this.#pool = init.pool;
    this.#ownsPool = init.pool === undefined;
  }

  get length(): number {
    return this.files.length;
  }

  async get(index: number, options?: GetOptions): Promise<Sample> {
    const file = this.files[index];
    if (file === undefined)
      throw new RangeError(
        `index ${index} is outside imagenet ${this.split} (0..${this.length - 1})`,
      );
    this.#pool ??= new JpegPool();
    try {
      const img = await this.#pool.decode(file, this.crop, options?.seed ?? 0);
      return { image: img.data, shape: this.imageShape, label: this.labels[index]! };
    } catch (error) {
      throw new DatasetError(file, `cannot decode image: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    if (this.#ownsPool && this.#pool !== undefined) await this.#pool.close();
    this.#pool = undefined;
  }
}
