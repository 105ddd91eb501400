import { mkdir, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { JpegPool } from '../loader/jpeg-pool.js';
import { tempDir, WNIDS, writeImageNet } from '../testing/fixtures.js';
import { centerCrop } from '../transforms/crop-plan.js';
import { readImageNet } from './imagenet.js';

const pool = new JpegPool({ size: 1 });
afterAll(() => pool.close());
const crop = centerCrop({ size: 16, resize: 20 });

describe('readImageNet and symbolic links', () => {
  it('follows linked images and class folders that stay inside the dataset folder', async () => {
    const dir = await writeImageNet(await tempDir(), [2, 1, 1]);
    const train = join(dir, 'train');
    // A class folder kept elsewhere in the dataset folder, linked into train/.
    await mkdir(join(dir, 'store'));
    await rename(join(train, WNIDS[1]!), join(dir, 'store', 'goldfish'));
    await symlink(join('..', 'store', 'goldfish'), join(train, WNIDS[1]!));
    // An image linked from one class folder into another.
    const target = join(train, WNIDS[0]!, `${WNIDS[0]}_0.JPEG`);
    await symlink(target, join(train, WNIDS[2]!, 'linked.JPEG'));
    const ds = await readImageNet(dir, { split: 'train', crop, pool });
    expect([...ds.labels]).toEqual([0, 0, 1, 2, 2]);
    expect(ds.files).toContain(join(train, WNIDS[1]!, `${WNIDS[1]}_0.JPEG`));
    expect(ds.files).toContain(join(train, WNIDS[2]!, 'linked.JPEG'));
    expect((await ds.get(4)).shape).toEqual([3, 16, 16]);
  });

  it('refuses, by name, an image linked from outside the dataset folder', async () => {
    const outside = await writeImageNet(await tempDir(), [1]);
    const dir = await writeImageNet(await tempDir(), [1, 1, 1]);
    const link = join(dir, 'train', WNIDS[0]!, 'elsewhere.JPEG');
    await symlink(join(outside, 'train', WNIDS[0]!, `${WNIDS[0]}_0.JPEG`), link);
    const read = readImageNet(dir, { split: 'train', crop, pool });
    await expect(read).rejects.toThrow(DatasetError);
    await expect(read).rejects.toThrow(
      new RegExp(`^${link}: is a symbolic link to .*, outside the dataset folder `),
    );
  });

  it('refuses a class folder linked from outside, and a broken link', async () => {
    const outside = await writeImageNet(await tempDir(), [1, 1]);
    const dir = await writeImageNet(await tempDir(), [1, 1]);
    const link = join(dir, 'train', WNIDS[2]!);
    await symlink(join(outside, 'train', WNIDS[1]!), link);
    await expect(readImageNet(dir, { split: 'train', crop, pool })).rejects.toThrow(
      `${link}: is a symbolic link to `,
    );
    const broken = await writeImageNet(await tempDir(), [1, 1]);
    const dangling = join(broken, 'train', WNIDS[0]!, 'gone.JPEG');
    await symlink(join(broken, 'nowhere.JPEG'), dangling);
    await expect(readImageNet(broken, { split: 'train', crop, pool })).rejects.toThrow(
      `${dangling}: is a broken symbolic link (its target does not exist)`,
    );
  });
});
