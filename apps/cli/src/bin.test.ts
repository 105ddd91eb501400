import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../test/global-setup.js';
import { cifar10Folder, tempDir } from './commands/test-fixtures.js';

function igc(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI_BUNDLE, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('igc binary (spawned)', () => {
  it('inspects a dataset with --json', async () => {
    const dir = await cifar10Folder([0, 5]);
    const r = igc(['datasets', 'inspect', dir, '--json', '--no-sheet'], await tempDir());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      format: 'cifar10',
      imageShape: [3, 32, 32],
      splits: { test: { count: 2 } },
    });
  });

  it('exits non-zero with the error on stderr for a bad dataset', async () => {
    const dir = join(await tempDir(), 'svhn');
    await mkdir(dir);
    await writeFile(join(dir, 'test_32x32.mat'), 'MATLAB 5.0 but far too short');
    const r = igc(['datasets', 'inspect', dir, '--json'], await tempDir());
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/test_32x32\.mat: too short for a MAT-file header/);
  });
});
