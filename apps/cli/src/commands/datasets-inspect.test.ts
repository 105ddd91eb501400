import { existsSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { cifar10Folder, tempDir } from './test-fixtures.js';

describe('igc datasets inspect', () => {
  it('prints the required JSON and writes a contact sheet', async () => {
    const dir = await cifar10Folder([3, 3, 0, 9]);
    const cwd = await tempDir();
    const io = memoryIo(cwd);
    expect(await main(['datasets', 'inspect', dir, '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.format).toBe('cifar10');
    expect(report.imageShape).toEqual([3, 32, 32]);
    expect(report.splits).toEqual({ test: { count: 4, perClass: [1, 0, 0, 2, 0, 0, 0, 0, 0, 1] } });
    expect(report.contactSheet).toBe(join(cwd, 'cifar10-contact-sheet.png'));
    expect(existsSync(report.contactSheet)).toBe(true);
  });

  it('prints a readable summary, with --out', async () => {
    const dir = await cifar10Folder([1]);
    const cwd = await tempDir();
    const io = memoryIo(cwd);
    expect(await main(['datasets', 'inspect', dir, '--out', 's.png'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/format\s+cifar10/);
    expect(io.stdout[0]).toMatch(/split\s+test: 1 images; per class: 0 1 0 0 0 0 0 0 0 0/);
    expect(existsSync(join(cwd, 's.png'))).toBe(true);
  });

  it('exits non-zero with the bad file named on stderr', async () => {
    const dir = await cifar10Folder([1, 2]);
    await truncate(join(dir, 'test_batch.bin'), 5000);
    const io = memoryIo(await tempDir());
    expect(await main(['datasets', 'inspect', dir, '--json', '--no-sheet'], io)).toBe(1);
    expect(io.stdout).toEqual([]);
    expect(io.stderr[0]).toMatch(
      /test_batch\.bin: size 5000 is not a multiple of the 3073-byte CIFAR-10 record/,
    );
  });
});
