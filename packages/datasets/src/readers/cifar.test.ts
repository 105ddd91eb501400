import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classCounts } from '../inspect/inspect.js';
import {
  cifarPixel,
  HAS_SHARED_DATA,
  SHARED_DATA,
  tempDir,
  writeCifar10,
  writeCifar100,
} from '../testing/fixtures.js';
import { readCifar10, readCifar100 } from './cifar.js';

describe('readCifar10 (fixtures)', () => {
  it('reads labels, class names and planar RGB pixels', async () => {
    const dir = await tempDir();
    await writeCifar10(dir, { 'test_batch.bin': [3, 8, 0] });
    const ds = await readCifar10(dir, { split: 'test' });
    expect(ds.length).toBe(3);
    expect(ds.classNames[3]).toBe('cat');
    expect(ds.imageShape).toEqual([3, 32, 32]);
    expect([...ds.labels]).toEqual([3, 8, 0]);
    const s = ds.get(2) as { image: Uint8Array; label: number };
    expect(s.label).toBe(0);
    expect(s.image[0]).toBe(cifarPixel(2, 0, 0));
    expect(s.image[1024 + 33]).toBe(cifarPixel(2, 1, 33));
    expect(s.image[2048 + 1023]).toBe(cifarPixel(2, 2, 1023));
  });

  it('trains on the batches present and says how much that is', async () => {
    const dir = await tempDir();
    await writeCifar10(dir, { 'data_batch_1.bin': [1, 2], 'data_batch_3.bin': [4, 5, 6] });
    const ds = await readCifar10(join(dir, 'cifar-10-batches-bin'), { split: 'train' });
    expect([...ds.labels]).toEqual([1, 2, 4, 5, 6]);
    expect((await ds.get(3)).label).toBe(5);
    expect(ds.notes.join()).toMatch(
      /2 of 5 training batches present \(5 images\); missing data_batch_2\.bin, data_batch_4\.bin, data_batch_5\.bin/,
    );
  });

  it('rejects a wrong-sized batch, naming the file and the record size', async () => {
    const dir = await tempDir();
    const root = await writeCifar10(dir, {});
    await writeFile(join(root, 'data_batch_1.bin'), new Uint8Array(30000));
    await expect(readCifar10(root, { split: 'train' })).rejects.toThrow(
      'data_batch_1.bin: size 30000 is not a multiple of the 3073-byte CIFAR-10 record',
    );
    await writeFile(join(root, 'test_batch.bin'), new Uint8Array(0));
    await expect(readCifar10(root, { split: 'test' })).rejects.toThrow(
      /test_batch\.bin: size 0 is not a multiple/,
    );
  });

  it('rejects a bad label byte', async () => {
    const dir = await tempDir();
    const root = await writeCifar10(dir, { 'test_batch.bin': [1, 12] });
    await expect(readCifar10(root, { split: 'test' })).rejects.toThrow(
      /test_batch\.bin: record 1 has label 12, expected 0\.\.9/,
    );
  });

  it('names a missing split and a missing meta file', async () => {
    const dir = await tempDir();
    const root = await writeCifar10(dir, { 'test_batch.bin': [1] });
    await expect(readCifar10(root, { split: 'train' })).rejects.toThrow(
      /missing split "train": none of data_batch_1\.bin/,
    );
    const dir2 = await tempDir();
    const root2 = await writeCifar10(dir2, { 'data_batch_1.bin': [1] });
    await expect(readCifar10(root2, { split: 'test' })).rejects.toThrow(
      /test_batch\.bin: missing split "test"/,
    );
    await writeFile(join(root2, 'batches.meta.txt'), 'a\nb\n');
    await expect(readCifar10(root2, { split: 'train' })).rejects.toThrow(
      /batches\.meta\.txt: has 2 class names, expected 10/,
    );
  });
});

describe('readCifar100 (fixtures)', () => {
  it('reads fine or coarse labels with their names', async () => {
    const dir = await tempDir();
    await writeCifar100(dir, {
      train: [
        [4, 30],
        [19, 99],
      ],
    });
    const fine = await readCifar100(dir, { split: 'train' });
    expect([...fine.labels]).toEqual([30, 99]);
    expect(fine.classNames.length).toBe(100);
    const coarse = await readCifar100(dir, { split: 'train', labels: 'coarse' });
    expect([...coarse.labels]).toEqual([4, 19]);
    expect(coarse.classNames[19]).toBe('coarse19');
    expect((await coarse.get(1)).image[0]).toBe(cifarPixel(1, 0, 0));
    await expect(readCifar100(dir, { split: 'test' })).rejects.toThrow(
      /test\.bin: missing split "test"/,
    );
  });

  it('rejects wrong sizes and bad coarse labels', async () => {
    const dir = await tempDir();
    const root = await writeCifar100(dir, { train: [[25, 3]] });
    await expect(readCifar100(root, { split: 'train' })).rejects.toThrow(
      /record 0 has coarse label 25, expected 0\.\.19/,
    );
    await writeFile(join(root, 'test.bin'), new Uint8Array(3074 * 2 + 5));
    await expect(readCifar100(root, { split: 'test' })).rejects.toThrow(
      /test\.bin: size 6153 is not a multiple of the 3074-byte CIFAR-100 record \(2 whole records and 5 bytes over\)/,
    );
  });
});

describe.skipIf(!HAS_SHARED_DATA)(
  `CIFAR real data (../shared/data${HAS_SHARED_DATA ? '' : ' is absent: skipped'})`,
  () => {
    it('CIFAR-10 test batch: known labels and per-class counts', async () => {
      const ds = await readCifar10(join(SHARED_DATA, 'cifar-10-batches-bin'), { split: 'test' });
      expect(ds.length).toBe(10000);
      expect([...ds.labels.subarray(0, 10)]).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
      expect(classCounts(ds.labels, 10)).toEqual(new Array(10).fill(1000));
      const px = (await ds.get(0)).image;
      // JPEG-derived copy of (158, 112, 49): close, not exact.
      expect(Math.abs(px[0]! - 158)).toBeLessThan(16);
      expect(Math.abs(px[1024]! - 112)).toBeLessThan(16);
      expect(Math.abs(px[2048]! - 49)).toBeLessThan(16);
    });

    it('CIFAR-10 partial training set', async () => {
      const ds = await readCifar10(SHARED_DATA, { split: 'train' });
      expect([...ds.labels.subarray(0, 10)]).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
      expect(classCounts(ds.labels, 10)).toEqual([
        1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981,
      ]);
      expect(ds.notes[0]).toMatch(/1 of 5 training batches present \(10000 images\)/);
    });

    it('CIFAR-100 test records', async () => {
      const ds = await readCifar100(join(SHARED_DATA, 'cifar-100-binary'), { split: 'test' });
      expect(ds.length).toBe(20);
      expect(ds.classNames[0]).toBe('apple');
      expect([...ds.labels.subarray(0, 5)]).toEqual([49, 33, 72, 51, 71]);
      const coarse = await readCifar100(join(SHARED_DATA, 'cifar-100-binary'), {
        split: 'test',
        labels: 'coarse',
      });
      expect(coarse.classNames.length).toBe(20);
    });
  },
);
