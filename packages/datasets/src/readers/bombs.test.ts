import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { inspectDataset } from '../inspect/inspect.js';
import { parseMat } from '../mat/read-mat.js';
import { gzipBomb, matBomb, zlibBomb } from '../testing/bombs.js';
import { idx, tempDir } from '../testing/fixtures.js';
import { gunzipIdx, readIdxFile } from './idx.js';

const GB = 2 ** 30;

/** Runs `f`, returning its error, how long it took and how much the process grew meanwhile. */
async function measure(f: () => unknown): Promise<{ error: unknown; ms: number; grewMb: number }> {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let error: unknown;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  return {
    error,
    ms: performance.now() - t0,
    grewMb: (process.memoryUsage().rss - rss0) / 2 ** 20,
  };
}

describe('decompression bombs are refused before any large allocation', () => {
  it('an SVHN file of 4 MB whose element inflates to 4 GB (igc datasets inspect)', async () => {
    const dir = join(await tempDir(), 'svhn');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const bomb = matBomb(4 * GB - 16, 4 * GB - 64);
    expect(bomb.length).toBeLessThan(5_000_000);
    await writeFile(join(dir, 'test_32x32.mat'), bomb);
    const r = await measure(() => inspectDataset(dir));
    expect(r.error).toBeInstanceOf(DatasetError);
    expect((r.error as Error).message).toMatch(
      /test_32x32\.mat: compressed element at byte 128 declares 4294967288 bytes, more than the \d+ its \d+ compressed bytes may plausibly hold$/,
    );
    expect(r.ms).toBeLessThan(2000);
    expect(r.grewMb).toBeLessThan(256);
  });

  it('a MAT element whose stream runs past the size its tag declares', async () => {
    const file = new Uint8Array(matBomb(4096, 3 * GB));
    const r = await measure(() => parseMat(file, 'x.mat'));
    expect((r.error as Error).message).toBe(
      'x.mat: compressed element at byte 128 inflates past the 4104 bytes its tag declares',
    );
    expect(r.ms).toBeLessThan(2000);
  });

  it('a MAT element whose header asks for more than the caller allows', () => {
    expect(() => parseMat(matBomb(1 << 20, 1 << 20), 'y.mat', { maxElementBytes: 1000 })).toThrow(
      /y\.mat: compressed element at byte 128 declares 1048584 bytes, more than the 1000/,
    );
  });

  it('a gzipped IDX file whose header declares 4 GB', async () => {
    const header = idx([65535, 256, 256], new Uint8Array(0)).subarray(0, 16);
    const gz = gzipBomb(header, 64 << 20);
    const r = await measure(() => gunzipIdx(gz, 'images.gz'));
    expect((r.error as Error).message).toMatch(
      /^images\.gz: header declares 65535×256×256 \(4294901776 bytes\), more than the \d+ its \d+ gzipped bytes may plausibly hold$/,
    );
    expect(r.ms).toBeLessThan(2000);
    expect(r.grewMb).toBeLessThan(256);
  });

  it('a gzipped IDX file that inflates past its header', async () => {
    const dir = await tempDir();
    const file = join(dir, 'train-labels-idx1-ubyte.gz');
    await writeFile(file, gzipBomb(idx([10], new Uint8Array(10)), 4 * GB));
    const r = await measure(() => readIdxFile(file));
    expect(r.error).toBeInstanceOf(DatasetError);
    expect((r.error as Error).message).toBe(
      `${file}: gzip data inflates past the 18 bytes its header declares`,
    );
    expect(r.ms).toBeLessThan(2000);
  });

  it('still reads honest gzipped IDX and compressed MAT files', async () => {
    const gz = gzipSync(idx([3, 2, 2], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])));
    expect([...gunzipIdx(gz).subarray(16)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(() => gunzipIdx(gz.subarray(0, 20), 'cut.gz')).toThrow(/^cut\.gz: /);
    expect(zlibBomb(new Uint8Array(1), 10).length).toBeGreaterThan(6);
  });
});

describe('parseMat refuses negative dimensions', () => {
  it('even when their product matches the data', async () => {
    const { writeMat } = await import('../testing/mat-writer.js');
    const bad = writeMat([
      { name: 'X', classCode: 9, dims: [-2, -3], storeType: 2, values: [1, 2, 3, 4, 5, 6] },
    ]);
    expect(() => parseMat(bad, 'neg.mat')).toThrow(
      'neg.mat: variable "X" has dimensions -2×-3; expected at least two, none negative',
    );
    const cell = writeMat([{ name: 'c', classCode: 1, dims: [1, -1], storeType: 2, values: [] }]);
    expect(() => parseMat(cell, 'cell.mat')).toThrow(/variable "c" has dimensions 1×-1/);
  });
});
