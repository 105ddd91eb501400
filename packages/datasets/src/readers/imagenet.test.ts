import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAndCrop } from '../loader/jpeg-decode.js';
import { JpegPool } from '../loader/jpeg-pool.js';
import {
  HAS_SHARED_DATA,
  makeJpeg,
  SHARED_DATA,
  tempDir,
  WNIDS,
  writeImageNet,
} from '../testing/fixtures.js';
import { centerCrop, scaleAspectCrop } from '../transforms/crop-plan.js';
import { readImageNet } from './imagenet.js';

const pool = new JpegPool({ size: 2 });
afterAll(() => pool.close());

describe('readImageNet (fixtures)', () => {
  it('lists ImageFolder classes in LOC_synset_mapping order and decodes in workers', async () => {
    const dir = await writeImageNet(await tempDir(), [2, 1, 3]);
    const ds = await readImageNet(dir, {
      split: 'train',
      crop: centerCrop({ size: 24, resize: 32 }),
      pool,
    });
    expect(ds.length).toBe(6);
    expect([...ds.labels]).toEqual([0, 0, 1, 2, 2, 2]);
    expect(ds.classIds).toEqual(WNIDS);
    expect(ds.classNames[1]).toBe('goldfish, Carassius auratus');
    expect(ds.imageShape).toEqual([3, 24, 24]);
    const s = await ds.get(3, { seed: 5 });
    expect(s.shape).toEqual([3, 24, 24]);
    expect(s.image.length).toBe(3 * 24 * 24);
    // Worker output equals the same decode on the main thread.
    const direct = await decodeAndCrop(ds.files[3]!, ds.crop, 5);
    expect(Buffer.from(s.image).equals(Buffer.from(direct.data))).toBe(true);
  });

  it('random crops depend on the seed only', async () => {
    const dir = await writeImageNet(await tempDir(), [1]);
    const crop = scaleAspectCrop({ size: 32, shortSide: [36, 60] });
    const ds = await readImageNet(dir, { split: 'train', crop, pool });
    const a = await ds.get(0, { seed: 1 });
    const b = await ds.get(0, { seed: 1 });
    const c = await ds.get(0, { seed: 2 });
    expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
    expect(Buffer.from(a.image).equals(Buffer.from(c.image))).toBe(false);
  });

  it('turns grayscale JPEGs into 3 channels', async () => {
    const dir = await writeImageNet(await tempDir(), [1]);
    await writeFile(join(dir, 'train', WNIDS[0]!, 'gray.JPEG'), await makeJpeg(40, 40, 1, true));
    const ds = await readImageNet(dir, {
      split: 'train',
      crop: centerCrop({ size: 16, resize: 16 }),
      pool,
    });
    const s = await ds.get(ds.files.findIndex((f) => f.endsWith('gray.JPEG')));
    expect(s.image.length).toBe(3 * 16 * 16);
    expect(s.image[5]).toBe(s.image[256 + 5]);
  });

  it('reads a flat val folder labelled by LOC_val_solution.csv', async () => {
    const dir = await writeImageNet(await tempDir(), [1]);
    await mkdir(join(dir, 'val'));
    await writeFile(join(dir, 'val', 'ILSVRC2012_val_00000002.JPEG'), await makeJpeg(30, 30));
    await writeFile(join(dir, 'val', 'ILSVRC2012_val_00000001.JPEG'), await makeJpeg(30, 30));
    await writeFile(
      join(dir, 'LOC_val_solution.csv'),
      'ImageId,PredictionString\nILSVRC2012_val_00000002,n01484850 1 2 3 4 n01484850 5 6 7 8\nILSVRC2012_val_00000001,n01443537 1 2 3 4\n',
    );
    const ds = await readImageNet(dir, { split: 'val', pool });
    expect(ds.files.map((f) => f.slice(-13))).toEqual(['00000001.JPEG', '00000002.JPEG']);
    expect([...ds.labels]).toEqual([1, 2]);
    expect(ds.imageShape).toEqual([3, 224, 224]);
  });

  it('names the file for a corrupt JPEG, an empty class folder, an unknown class and a missing split', async () => {
    const dir = await writeImageNet(await tempDir(), [1, 1]);
    const bad = join(dir, 'train', WNIDS[1]!, 'broken.JPEG');
    const good = await makeJpeg(64, 64);
    await writeFile(bad, good.subarray(0, good.length >> 1));
    const ds = await readImageNet(dir, { split: 'train', pool });
    const i = ds.files.indexOf(bad);
    await expect(ds.get(i)).rejects.toThrow(/broken\.JPEG: cannot decode image/);
    await writeFile(bad, Buffer.from('not a jpeg at all'));
    await expect(ds.get(i)).rejects.toThrow(/broken\.JPEG: cannot decode image/);

    await mkdir(join(dir, 'train', WNIDS[2]!));
    await expect(readImageNet(dir, { split: 'train' })).rejects.toThrow(
      /n01484850: class folder is empty/,
    );
    await rm(join(dir, 'train', WNIDS[2]!), { recursive: true });
    await mkdir(join(dir, 'train', 'n99999999'));
    await expect(readImageNet(dir, { split: 'train' })).rejects.toThrow(
      /n99999999: folder is not a class listed in LOC_synset_mapping\.txt/,
    );
    await expect(readImageNet(dir, { split: 'val' })).rejects.toThrow(
      /val: missing split "val": folder not found/,
    );
  });
});

describe.skipIf(!HAS_SHARED_DATA)(
  `ImageNet real data (../shared/data${HAS_SHARED_DATA ? '' : ' is absent: skipped'})`,
  () => {
    it('reads the 10 val JPEGs with canonical class indices', async () => {
      const ds = await readImageNet(join(SHARED_DATA, 'imagenet-sample'), { split: 'val', pool });
      expect(ds.classIds.length).toBe(1000);
      expect(ds.classIds[0]).toBe('n01440764');
      expect(ds.length).toBe(10);
      const wnid = ds.files[0]!.split(/[/\\]/).at(-2)!;
      expect(ds.classIds[ds.labels[0]!]).toBe(wnid);
      const samples = await Promise.all(Array.from({ length: 10 }, (_, i) => ds.get(i)));
      for (const s of samples) expect(s.image.length).toBe(3 * 224 * 224);
    });
  },
);
