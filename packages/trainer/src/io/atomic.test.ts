import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';

describe('writeFileAtomic', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('replaces the file and leaves no temporary behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igc-atomic-'));
    dirs.push(dir);
    const p = join(dir, 'sub', 'out.txt');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, 'two');
    expect(await readFile(p, 'utf8')).toBe('two');
    expect(await readdir(join(dir, 'sub'))).toEqual(['out.txt']);
  });

  it('keeps the old file when the write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igc-atomic-'));
    dirs.push(dir);
    const p = join(dir, 'out.txt');
    await writeFileAtomic(p, 'good');
    // A directory in place of the target makes the rename fail after the temp file was written.
    await expect(writeFileAtomic(dir, 'bad')).rejects.toThrow();
    expect(await readFile(p, 'utf8')).toBe('good');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
