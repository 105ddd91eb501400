import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readImageNet } from '../readers/imagenet.js';
import { PackedDataset } from '../readers/packed-dataset.js';
import { tempDir, writeImageNet } from '../testing/fixtures.js';
import { scaleAspectCrop } from '../transforms/crop-plan.js';
import { normalize } from '../transforms/normalize.js';
import { trainTransforms } from '../transforms/presets.js';
import type { Batch, Dataset, Sample } from '../types.js';
import { DataLoader } from './data-loader.js';
import { JpegPool } from './jpeg-pool.js';

/** n tiny 3×32×32 images; image i is filled with i, label i % 10. */
function tiny(n: number): PackedDataset {
  const bytes = new Uint8Array(n * 3072);
  for (let i = 0; i < n; i++) bytes.fill(i % 256, i * 3072, (i + 1) * 3072);
  return new PackedDataset({
    format: 'cifar10',
    split: 'train',
    classNames: Array.from({ length: 10 }, (_, i) => `c${i}`),
    imageShape: [3, 32, 32],
    labels: Int32Array.from({ length: n }, (_, i) => i % 10),
    layout: { kind: 'planar', bytes, offset: 0, stride: 3072 },
  });
}

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

/** Bitwise equality; vitest's deep equality is slow on large typed arrays. */
function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

const pool = new JpegPool({ size: 2 });
afterAll(() => pool.close());

describe('DataLoader', () => {
  it('yields NCHW Float32 batches with Int32 labels, last batch partial unless dropLast', async () => {
    const ds = tiny(10);
    const batches = await collect(new DataLoader(ds, { batchSize: 4 }));
    expect(batches.map((b) => b.shape)).toEqual([
      [4, 3, 32, 32],
      [4, 3, 32, 32],
      [2, 3, 32, 32],
    ]);
    expect(batches[0]!.images).toBeInstanceOf(Float32Array);
    expect(batches[0]!.labels).toBeInstanceOf(Int32Array);
    expect(batches[2]!.images[3072]).toBe(9);
    expect([...batches[2]!.labels]).toEqual([8, 9]);
    const dropped = await collect(new DataLoader(ds, { batchSize: 4, dropLast: true }));
    expect(dropped.length).toBe(2);
    expect(new DataLoader(ds, { batchSize: 4, dropLast: true }).batchesPerEpoch).toBe(2);
  });

  it('shuffles with a permutation seeded per epoch', async () => {
    const ds = tiny(50);
    const loader = new DataLoader(ds, { batchSize: 50, shuffle: true, seed: 3 });
    const e0 = [...(await collect(loader.epoch(0)))[0]!.indices];
    const e0again = [
      ...(await collect(new DataLoader(ds, { batchSize: 50, shuffle: true, seed: 3 }).epoch(0)))[0]!
        .indices,
    ];
    const e1 = [...(await collect(loader.epoch(1)))[0]!.indices];
    expect(e0again).toEqual(e0);
    expect(e1).not.toEqual(e0);
    expect([...e0].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('shards each global batch across ranks: the slices, with the same values, make the batch', async () => {
    const ds = tiny(23);
    const opts = { batchSize: 8, shuffle: true, seed: 5, transform: trainTransforms('cifar10') };
    const whole = await collect(new DataLoader(ds, opts).epoch(2));
    const ranks = await Promise.all(
      [0, 1, 2].map((r) => collect(new DataLoader(ds, opts).shard(r, 3).epoch(2))),
    );
    expect(ranks.map((batches) => batches.length)).toEqual([3, 3, 3]);
    // Global batches of 8, 8 and 7: slices of 2/3/3 and 2/2/3 images.
    expect(ranks.map((batches) => batches.map((b) => b.shape[0]))).toEqual([
      [2, 2, 2],
      [3, 3, 2],
      [3, 3, 3],
    ]);
    whole.forEach((w, i) => {
      const parts = ranks.map((batches) => batches[i]!);
      expect(parts.every((p) => p.globalSize === w.shape[0])).toBe(true);
      expect(parts.flatMap((p) => [...p.indices])).toEqual([...w.indices]);
      expect(parts.flatMap((p) => [...p.labels])).toEqual([...w.labels]);
      // Augmentation is seeded per sample, so each slice holds exactly the global batch's values.
      let offset = 0;
      for (const p of parts) {
        expect(same(p.images, w.images.subarray(offset, offset + p.images.length))).toBe(true);
        offset += p.images.length;
      }
    });
    // A global batch smaller than the world leaves some ranks an empty slice.
    const small = await collect(new DataLoader(tiny(1), { batchSize: 4 }).shard(1, 2).epoch(0));
    expect(small.map((b) => [b.shape[0], b.globalSize])).toEqual([[1, 1]]);
    const empty = await collect(new DataLoader(tiny(1), { batchSize: 4 }).shard(0, 2).epoch(0));
    expect(empty.map((b) => [b.shape[0], b.globalSize])).toEqual([[0, 1]]);
    expect(() => new DataLoader(ds, { batchSize: 4, shard: { rank: 2, size: 2 } })).toThrow(
      'shard must be { rank, size } with integers 0 ≤ rank < size, got { rank: 2, size: 2 }',
    );
  });

  it('gives identical values whatever the prefetch depth (seeded per sample)', async () => {
    const ds = tiny(40);
    const run = async (prefetch: number) => {
      const loader = new DataLoader(ds, {
        batchSize: 8,
        shuffle: true,
        seed: 11,
        prefetch,
        transform: trainTransforms('cifar10'),
      });
      return collect(loader.epoch(2));
    };
    const a = await run(0);
    const b = await run(4);
    expect(a.length).toBe(5);
    for (let i = 0; i < a.length; i++) expect(same(b[i]!.images, a[i]!.images)).toBe(true);
    // And augmentation really varies across samples.
    expect(same(a[0]!.images.subarray(0, 3072), a[0]!.images.subarray(3072, 6144))).toBe(false);
  });

  it('prefetches in the background so the consumer does not wait', async () => {
    const started: number[] = [];
    const base = tiny(64);
    const slow: Dataset = {
      ...base,
      format: base.format,
      split: base.split,
      classNames: base.classNames,
      imageShape: base.imageShape,
      labels: base.labels,
      length: base.length,
      notes: [],
      close: async () => {},
      // Each sample takes 30 ms to "decode" (concurrently), so an unprefetched batch costs ≥30 ms.
      get: async (i: number): Promise<Sample> => {
        started.push(i);
        await sleep(30);
        return base.get(i);
      },
    };
    const loader = new DataLoader(slow, { batchSize: 8, prefetch: 2 });
    const it = loader.epoch(0);
    await it.next();
    const waitedAfterFirst = loader.waitedMs;
    // While the consumer "computes" for 150 ms, batches 1 and 2 load.
    await sleep(150);
    expect(started.length).toBe(24);
    await it.next();
    await sleep(150);
    await it.next();
    expect(loader.waitedMs - waitedAfterFirst).toBeLessThan(15);
    await it.return();
  });

  it('fails the batch, not the process, on a bad sample; no partial batch', async () => {
    const base = tiny(8);
    const broken: Dataset = Object.assign(Object.create(base) as Dataset, {
      get: (i: number) => {
        if (i === 5) throw new Error('sample 5: bad');
        return base.get(i);
      },
    });
    const batches: Batch[] = [];
    await expect(async () => {
      for await (const b of new DataLoader(broken, { batchSize: 4, prefetch: 3 })) batches.push(b);
    }).rejects.toThrow('sample 5: bad');
    expect(batches.length).toBe(1);
  });

  it('loads ImageNet batches through decode workers, deterministically', async () => {
    const dir = await writeImageNet(await tempDir(), [3, 3]);
    const ds = await readImageNet(dir, {
      split: 'train',
      crop: scaleAspectCrop({ size: 16, shortSide: [20, 40] }),
      pool,
    });
    const run = (prefetch: number) =>
      collect(
        new DataLoader(ds, {
          batchSize: 4,
          shuffle: true,
          seed: 5,
          prefetch,
          transform: normalize({ mean: [0, 0, 0], std: [1, 1, 1] }),
        }).epoch(1),
      );
    const a = await run(0);
    const b = await run(3);
    expect(a.map((x) => x.shape)).toEqual([
      [4, 3, 16, 16],
      [2, 3, 16, 16],
    ]);
    for (let i = 0; i < a.length; i++) expect(same(b[i]!.images, a[i]!.images)).toBe(true);
  });
});
