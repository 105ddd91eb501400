import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classCounts } from '../inspect/inspect.js';
import { HAS_SHARED_DATA, SHARED_DATA, tempDir } from '../testing/fixtures.js';
import { svhnMat, svhnPixel, writeMat } from '../testing/mat-writer.js';
import { readSvhn } from './svhn.js';

async function svhnDir(): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'train_32x32.mat'), svhnMat([1, 0, 9]));
  await writeFile(join(dir, 'test_32x32.mat'), svhnMat([0, 5], { compress: true }));
  await writeFile(join(dir, 'extra_32x32.mat'), svhnMat([2, 2, 0, 7], { compress: true }));
  return dir;
}

describe('readSvhn (fixtures)', () => {
  it('maps label 10 to digit 0 and un-transposes MATLAB order to CHW', async () => {
    const ds = await readSvhn(await svhnDir(), { split: 'train' });
    expect([...ds.labels]).toEqual([1, 0, 9]);
    expect(ds.classNames[0]).toBe('0');
    const s = await ds.get(2);
    for (const [ch, r, c] of [
      [0, 0, 0],
      [1, 5, 17],
      [2, 31, 30],
      [0, 3, 0],
    ] as const) {
      expect(s.image[ch * 1024 + r * 32 + c]).toBe(svhnPixel(2, ch, r, c));
    }
  });

  it('reads compressed (v7) files and train+extra', async () => {
    const dir = await svhnDir();
    expect([...(await readSvhn(dir, { split: 'test' })).labels]).toEqual([0, 5]);
    const both = await readSvhn(dir, { split: 'train+extra' });
    expect(both.length).toBe(7);
    expect([...both.labels]).toEqual([1, 0, 9, 2, 2, 0, 7]);
    const s = await both.get(4);
    expect(s.image[1024 + 32 + 2]).toBe(svhnPixel(1, 1, 1, 2));
  });

  it('names the file and the problem for wrong variables, types and dimensions', async () => {
    const dir = await tempDir();
    const file = join(dir, 'train_32x32.mat');
    const cases: [Uint8Array, RegExp][] = [
      [
        writeMat([
          {
            name: 'X',
            classCode: 9,
            dims: [32, 32, 3, 1],
            storeType: 2,
            values: new Uint8Array(3072),
          },
        ]),
        /train_32x32\.mat: has no variable "y" \(found "X"\)/,
      ],
      [
        writeMat([
          {
            name: 'X',
            classCode: 6,
            dims: [32, 32, 3, 1],
            storeType: 2,
            values: new Uint8Array(3072),
          },
          { name: 'y', classCode: 6, dims: [1, 1], storeType: 9, values: [1] },
        ]),
        /variable "X" is double, expected uint8/,
      ],
      [
        writeMat([
          {
            name: 'X',
            classCode: 9,
            dims: [32, 16, 6, 1],
            storeType: 2,
            values: new Uint8Array(3072),
          },
          { name: 'y', classCode: 6, dims: [1, 1], storeType: 9, values: [1] },
        ]),
        /variable "X" is 32×16×6×1, expected 32×32×3×N/,
      ],
      [
        writeMat([
          {
            name: 'X',
            classCode: 9,
            dims: [32, 32, 3, 2],
            storeType: 2,
            values: new Uint8Array(6144),
          },
          { name: 'y', classCode: 6, dims: [3, 1], storeType: 9, values: [1, 2, 3] },
        ]),
        /variable "y" is 3×1, expected 2×1/,
      ],
      [
        writeMat([
          {
            name: 'X',
            classCode: 9,
            dims: [32, 32, 3, 1],
            storeType: 2,
            values: new Uint8Array(3072),
          },
          { name: 'y', classCode: 6, dims: [1, 1], storeType: 9, values: [11] },
        ]),
        /variable "y" has label 11 at image 0, expected 1\.\.10/,
      ],
      [
        writeMat([
          {
            name: 'X',
            classCode: 9,
            dims: [32, 32, 3, 1],
            storeType: 2,
            values: new Uint8Array(3072),
          },
          { name: 'y', classCode: 4, dims: [1, 1], storeType: 4, values: [65] },
        ]),
        /variable "y" is char, expected numeric labels/,
      ],
    ];
    for (const [bytes, message] of cases) {
      await writeFile(file, bytes);
      await expect(readSvhn(dir, { split: 'train' })).rejects.toThrow(message);
    }
    await writeFile(file, svhnMat([1, 2]).subarray(0, 3000));
    await expect(readSvhn(dir, { split: 'train' })).rejects.toThrow(/train_32x32\.mat: truncated/);
    await expect(readSvhn(dir, { split: 'extra' })).rejects.toThrow(
      /extra_32x32\.mat: missing split "extra": file not found/,
    );
  });
});

describe.skipIf(!HAS_SHARED_DATA)(
  `SVHN real data (../shared/data${HAS_SHARED_DATA ? '' : ' is absent: skipped'})`,
  () => {
    it('reads the v5 and v7 files Octave wrote', async () => {
      const dir = join(SHARED_DATA, 'svhn-format');
      const train = await readSvhn(dir, { split: 'train' });
      const test = await readSvhn(dir, { split: 'test' });
      const extra = await readSvhn(dir, { split: 'extra' });
      expect([train.length, test.length, extra.length]).toEqual([600, 300, 150]);
      expect(classCounts(train.labels, 10).reduce((a, b) => a + b)).toBe(600);
      expect((await readSvhn(dir, { split: 'train+extra' })).length).toBe(750);
    });
  },
);
