import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir, WNIDS, writeImageNet } from '../testing/fixtures.js';
import { centerCrop } from '../transforms/crop-plan.js';
import { readImageNet } from './imagenet.js';

// Tests run as root, which reads any folder: a folder without permission is simulated at
// readdir, exactly where the reader meets it.
const denied = new Set<string>();
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    readdir: (async (path: string, options?: object) => {
      if (denied.has(String(path))) {
        throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), {
          code: 'EACCES',
        });
      }
      return fs.readdir(path, options as never);
    }) as typeof fs.readdir,
  };
});

describe('readImageNet on an unreadable folder', () => {
  it('names the class folder it cannot list', async () => {
    const dir = await writeImageNet(await tempDir(), [1, 1]);
    const classDir = join(dir, 'train', WNIDS[1]!);
    denied.add(classDir);
    await expect(
      readImageNet(dir, { split: 'train', crop: centerCrop({ size: 16, resize: 20 }) }),
    ).rejects.toThrow(`${classDir}: cannot list: EACCES: permission denied`);
  });

  it('names the split folder it cannot list', async () => {
    const dir = await writeImageNet(await tempDir(), [1]);
    denied.add(join(dir, 'train'));
    await expect(readImageNet(dir, { split: 'train' })).rejects.toThrow(
      `${join(dir, 'train')}: cannot list: EACCES`,
    );
  });
});
