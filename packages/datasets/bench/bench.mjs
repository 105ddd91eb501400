#!/usr/bin/env node
/**
 * Data-pipeline throughput: CIFAR with the paper's augmentation, and ImageNet JPEG decode +
 * scale/aspect crop in worker threads, with the paper's HSL jitter (`imagenet-jpeg`) and without
 * (`imagenet-nohsl`). Uses ../shared/data when present, synthetic data
 * otherwise. Run `pnpm bench` (after `pnpm build`); `--json` prints one JSON line per workload.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  DataLoader,
  JpegPool,
  NORMALIZATION,
  normalize,
  PackedDataset,
  readCifar10,
  readImageNet,
  scaleAspectCrop,
  trainTransforms,
} from '../dist/index.js';

const json = process.argv.includes('--json');
const here = dirname(fileURLToPath(import.meta.url));
const shared = resolve(here, '../../../../shared/data');

function report(workload, imagesPerSec, extra) {
  if (json) {
    console.log(
      JSON.stringify({
        workload,
        backend: 'datasets',
        imagesPerSec: Math.round(imagesPerSec),
        ...extra,
      }),
    );
  } else {
    const details = Object.entries(extra)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(
      `${workload.padEnd(14)} ${Math.round(imagesPerSec).toString().padStart(8)} images/s  ${details}`,
    );
  }
}

async function timeEpochs(loader, epochs) {
  let best = 0;
  for (let e = 0; e < epochs; e++) {
    let n = 0;
    const t0 = performance.now();
    for await (const batch of loader.epoch(e)) n += batch.shape[0];
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

async function cifar() {
  const real = join(shared, 'cifar-10-batches-bin');
  let ds;
  let source;
  if (existsSync(join(real, 'data_batch_1.bin'))) {
    ds = await readCifar10(real, { split: 'train' });
    source = 'shared';
  } else {
    const n = 10000;
    const bytes = new Uint8Array(n * 3072).map((_, i) => (i * 2654435761) >>> 24);
    ds = new PackedDataset({
      format: 'cifar10',
      split: 'train',
      classNames: Array.from({ length: 10 }, (_, i) => String(i)),
      imageShape: [3, 32, 32],
      labels: Int32Array.from({ length: n }, (_, i) => i % 10),
      layout: { kind: 'planar', bytes, offset: 0, stride: 3072 },
    });
    source = 'synthetic';
  }
  const loader = new DataLoader(ds, {
    batchSize: 64,
    shuffle: true,
    seed: 1,
    transform: trainTransforms('cifar10'),
  });
  report('cifar-aug', await timeEpochs(loader, 3), { images: ds.length, batch: 64, data: source });
}

async function imagenet(workload, crop) {
  let dir = join(shared, 'imagenet-sample');
  let split = 'val';
  let tmp;
  if (!existsSync(join(dir, 'LOC_synset_mapping.txt'))) {
    // 16 synthetic 500×375 JPEGs (ImageNet's typical size) with noisy content.
    tmp = await mkdtemp(join(tmpdir(), 'igc-bench-'));
    dir = tmp;
    split = 'train';
    await writeFile(join(dir, 'LOC_synset_mapping.txt'), 'n01440764 tench\n');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'train', 'n01440764'), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const raw = Buffer.alloc(500 * 375 * 3).map(
        (_, j) => ((j * 2654435761 + i * 97) >>> 24) & 0xff,
      );
      const jpeg = await sharp(raw, { raw: { width: 500, height: 375, channels: 3 } })
        .blur(1.5)
        .jpeg({ quality: 90 })
        .toBuffer();
      await writeFile(join(dir, 'train', 'n01440764', `img${i}.JPEG`), jpeg);
    }
  }
  const workers = Math.min(8, availableParallelism());
  const pool = new JpegPool({ size: workers });
  const base = await readImageNet(dir, { split, crop, pool });
  const length = 256;
  // The few sample files, read over and over: measures decode + crop, not disk.
  const ds = {
    format: base.format,
    split: base.split,
    classNames: base.classNames,
    imageShape: base.imageShape,
    notes: [],
    length,
    labels: Int32Array.from({ length }, (_, i) => base.labels[i % base.length]),
    get: (i, options) => base.get(i % base.length, options),
    close: async () => {},
  };
  const loader = new DataLoader(ds, {
    batchSize: 32,
    shuffle: true,
    seed: 1,
    prefetch: 2,
    transform: normalize(NORMALIZATION.imagenet),
  });
  const rate = await timeEpochs(loader, 2);
  await pool.close();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  report(workload, rate, {
    images: length,
    workers,
    crop: 224,
    hsl: crop.hslJitter ? 'paper' : 'off',
    data: tmp === undefined ? 'shared' : 'synthetic',
  });
}

await cifar();
await imagenet('imagenet-jpeg', scaleAspectCrop());
await imagenet('imagenet-nohsl', scaleAspectCrop({ hslJitter: false }));
