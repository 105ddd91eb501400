import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  HAS_SHARED_DATA,
  SHARED_DATA,
  tempDir,
  writeCifar10,
  writeImageNet,
} from '../testing/fixtures.js';
import { svhnMat } from '../testing/mat-writer.js';
import { inspectDataset } from './inspect.js';

describe('inspectDataset', () => {
  it('detects CIFAR-10, counts per class, notes partial training sets, and writes a contact sheet', async () => {
    const dir = await tempDir();
    await writeCifar10(dir, { 'data_batch_2.bin': [0, 0, 3], 'test_batch.bin': [9, 1] });
    const sheet = join(await tempDir(), 'sheet.png');
    const report = await inspectDataset(dir, { contactSheet: sheet });
    expect(report.format).toBe('cifar10');
    expect(report.imageShape).toEqual([3, 32, 32]);
    expect(report.splits.train).toEqual({ count: 3, perClass: [2, 0, 0, 1, 0, 0, 0, 0, 0, 0] });
    expect(report.splits.test).toEqual({ count: 2, perClass: [0, 1, 0, 0, 0, 0, 0, 0, 0, 1] });
    expect(report.notes[0]).toMatch(/1 of 5 training batches/);
    const meta = await sharp(sheet).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([
      report.contactSheet!.width,
      report.contactSheet!.height,
    ]);
    expect(report.contactSheet!.classes).toEqual([0, 3]);
  });

  it('detects SVHN with digit 0 as class 0, and ImageNet train folders', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'test_32x32.mat'), svhnMat([0, 0, 4]));
    const svhn = await inspectDataset(dir);
    expect(svhn.format).toBe('svhn');
    expect(svhn.splits.test!.perClass).toEqual([2, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    const inet = await inspectDataset(await writeImageNet(await tempDir(), [2, 1]), {
      contactSheet: join(dir, 'in.png'),
    });
    expect(inet.format).toBe('imagenet');
    expect(inet.splits.train).toEqual({ count: 3, perClass: [2, 1, 0] });
  });

  it('fails with the bad file named, and on folders it does not know', async () => {
    const dir = await tempDir();
    const root = await writeCifar10(dir, { 'test_batch.bin': [1] });
    await writeFile(join(root, 'data_batch_1.bin'), new Uint8Array(3073 * 2 - 1));
    await expect(inspectDataset(dir)).rejects.toThrow(
      /data_batch_1\.bin: size 6145 is not a multiple/,
    );
    await expect(inspectDataset(await tempDir())).rejects.toThrow(
      /is not a dataset folder this tool knows/,
    );
  });
});

describe.skipIf(!HAS_SHARED_DATA)(
  `inspect real data (../shared/data${HAS_SHARED_DATA ? '' : ' is absent: skipped'})`,
  () => {
    it('reports every shared dataset', async () => {
      const c10 = await inspectDataset(join(SHARED_DATA, 'cifar-10-batches-bin'));
      expect(c10.splits.test!.perClass).toEqual(new Array(10).fill(1000));
      const svhn = await inspectDataset(join(SHARED_DATA, 'svhn-format'));
      expect(Object.keys(svhn.splits).sort()).toEqual(['extra', 'test', 'train']);
      const inet = await inspectDataset(join(SHARED_DATA, 'imagenet-sample'));
      expect(inet.splits.val!.count).toBe(10);
      expect(inet.splits.val!.perClass.length).toBe(1000);
    });
  },
);
