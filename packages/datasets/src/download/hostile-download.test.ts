import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CIFAR10_NAMES, cifarBatch, idx, tempDir } from '../testing/fixtures.js';
import {
  type FixtureServer,
  type FixtureServerOptions,
  serveFiles,
} from '../testing/http-fixture.js';
import { type TarEntry, tarGz } from '../testing/tar-writer.js';
import { CACHE_DIR, COMPLETE_MARKER, downloadDataset } from './download.js';
import { archiveProblems } from './extract.js';
import { redirectTarget } from './fetch-file.js';
import type { DatasetSource } from './sources.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const ROOT = 'cifar-10-batches-bin';

function archive(extra: TarEntry[] = []): Uint8Array {
  return tarGz([
    { path: `${ROOT}/`, type: '5' },
    { path: `${ROOT}/batches.meta.txt`, body: CIFAR10_NAMES.join('\n') },
    { path: `${ROOT}/data_batch_1.bin`, body: cifarBatch([[1], [2]]) },
    { path: `${ROOT}/test_batch.bin`, body: cifarBatch([[3]]) },
    ...extra,
  ]);
}

function source(
  bytes: Uint8Array,
  extra: Partial<DatasetSource> = {},
  size?: number,
): DatasetSource {
  return {
    target: ROOT,
    unpack: 'tar.gz',
    files: [{ name: 'c.tar.gz', url: 'unused', md5: md5(bytes), ...(size ? { bytes: size } : {}) }],
    expect: ['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin'],
    ...extra,
  };
}

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(bytes: Uint8Array, options: FixtureServerOptions = {}) {
  server = await serveFiles(new Map([['c.tar.gz', bytes]]), options);
  return { dir: await tempDir(), baseUrl: server.baseUrl };
}

/** A download that waits 0.2 s for data and resumes `retries` times. */
function impatient(dir: string, baseUrl: string, bytes: Uint8Array, retries: number) {
  return downloadDataset('cifar10', {
    dir,
    baseUrl,
    source: source(bytes),
    idleSeconds: 0.2,
    retries,
  });
}

/** Nothing but the download cache may be left behind. */
async function nothingWritten(dir: string): Promise<void> {
  expect((await readdir(dir)).filter((n) => n !== CACHE_DIR)).toEqual([]);
}

describe('downloads against a hostile or broken server', () => {
  it('resumes a stalled download after the idle timeout, on its own', async () => {
    const bytes = archive();
    const { dir, baseUrl } = await serve(bytes, { stallAfter: 100 });
    const r = await downloadDataset('cifar10', {
      dir,
      baseUrl,
      source: source(bytes),
      idleSeconds: 0.3,
    });
    expect(existsSync(join(r.path, COMPLETE_MARKER))).toBe(true);
    expect(server!.requests.map((q) => q.range)).toEqual(['', 'bytes=100-']);
  });

  it('gives up on a server that keeps stalling, with a clear message', async () => {
    const bytes = archive();
    const { dir, baseUrl } = await serve(bytes, { stallAlways: true });
    await expect(impatient(dir, baseUrl, bytes, 2)).rejects.toThrow(
      /c\.tar\.gz: download interrupted after \d+ bytes .*: no data from the server for 0\.2 s \(gave up after 2 retries\)$/,
    );
    expect(server!.requests).toHaveLength(3);
    await nothingWritten(dir);
  });

  it('times out a server that never answers', async () => {
    const bytes = archive();
    const { dir, baseUrl } = await serve(bytes, { noResponse: true });
    const t0 = performance.now();
    await expect(impatient(dir, baseUrl, bytes, 1)).rejects.toThrow(
      /c\.tar\.gz: request failed: no data from the server for 0\.2 s \(gave up after 1 retries\)$/,
    );
    expect(performance.now() - t0).toBeLessThan(5000);
    await nothingWritten(dir);
  });

  it('refuses a file larger than its known size, announced or streamed', async () => {
    const bytes = archive();
    const small = Math.floor(bytes.length / 2);
    const announced = await serve(bytes);
    await expect(
      downloadDataset('cifar10', { ...announced, source: source(bytes, {}, small) }),
    ).rejects.toThrow(/c\.tar\.gz: is \d+ bytes, more than the \d+ expected of this file$/);
    await nothingWritten(announced.dir);
    await server!.close();
    const streamed = await serve(bytes, { noLength: true });
    await expect(
      downloadDataset('cifar10', { ...streamed, source: source(bytes, {}, small) }),
    ).rejects.toThrow(/c\.tar\.gz: sent more than the \d+ bytes expected of this file$/);
    expect(await readdir(join(streamed.dir, CACHE_DIR))).toEqual([]);
  });

  it('refuses a redirect from https to http', () => {
    expect(() =>
      redirectTarget('https://example.org/a.tar.gz', 'http://example.org/a.tar.gz'),
    ).toThrow('refused a redirect from https to http (http://example.org/a.tar.gz)');
    expect(redirectTarget('https://example.org/a', '/b')).toBe('https://example.org/b');
    expect(redirectTarget('http://example.org/a', 'https://mirror.org/a')).toBe(
      'https://mirror.org/a',
    );
  });
});

describe('tar extraction against the dataset folder', () => {
  for (const [what, extra, message] of [
    [
      'a chain of links (a/l1 → .., then a/l1/l2 → ..)',
      [
        { path: `${ROOT}/a/`, type: '5' },
        { path: `${ROOT}/a/l1`, type: '2', linkpath: '..' },
        { path: `${ROOT}/a/l1/l2`, type: '2', linkpath: '..' },
      ],
      /entry "cifar-10-batches-bin\/a\/l1\/l2" would be written through the symbolic link "cifar-10-batches-bin\/a\/l1"/,
    ],
    [
      'a link to the folder around the dataset folder',
      [{ path: `${ROOT}/up`, type: '2', linkpath: '..' }],
      /symbolic link "cifar-10-batches-bin\/up" leads outside the dataset folder "cifar-10-batches-bin"/,
    ],
    [
      'a link whose target goes through another link',
      [
        { path: `${ROOT}/a/`, type: '5' },
        { path: `${ROOT}/a/l1`, type: '2', linkpath: '..' },
        { path: `${ROOT}/a/x`, type: '2', linkpath: 'l1/..' },
      ],
      /symbolic link "cifar-10-batches-bin\/a\/x" leads outside the dataset folder/,
    ],
    [
      'a hard link to a file beside the dataset folder',
      [
        { path: 'other.txt', body: 'x' },
        { path: `${ROOT}/hard`, type: '1', linkpath: 'other.txt' },
      ],
      /hard link "cifar-10-batches-bin\/hard" leads outside the dataset folder/,
    ],
  ] as [string, TarEntry[], RegExp][]) {
    it(`refuses ${what}, writing nothing`, async () => {
      const bytes = archive(extra);
      const { dir, baseUrl } = await serve(bytes);
      await expect(
        downloadDataset('cifar10', { dir, baseUrl, source: source(bytes) }),
      ).rejects.toThrow(message);
      await nothingWritten(dir);
    });
  }

  it('sees the chain even though each link alone stays inside', () => {
    const chain = [
      { path: 'd/a/l1', type: 'SymbolicLink', linkpath: '..' },
      { path: 'd/a/l1/l2', type: 'SymbolicLink', linkpath: '..' },
      { path: 'd/a/l1/l2/l3', type: 'SymbolicLink', linkpath: '..' },
    ];
    expect(archiveProblems(chain.slice(0, 1), 'd')).toEqual([]);
    expect(archiveProblems(chain, 'd')).toHaveLength(2);
  });

  it('caps the bytes and entries an archive may unpack to', async () => {
    const bytes = archive();
    const { dir, baseUrl } = await serve(bytes);
    await expect(
      downloadDataset('cifar10', {
        dir,
        baseUrl,
        source: source(bytes, { limits: { bytes: 5000, entries: 100 } }),
      }),
    ).rejects.toThrow(
      /c\.tar\.gz: would unpack to more than 5000 bytes \(at entry "cifar-10-batches-bin\/data_batch_1\.bin"\)/,
    );
    await expect(
      downloadDataset('cifar10', {
        dir,
        baseUrl,
        source: source(bytes, { limits: { bytes: 1e9, entries: 2 } }),
      }),
    ).rejects.toThrow(/c\.tar\.gz: has more than 2 entries/);
    await nothingWritten(dir);
  });

  it('caps what a gzipped file may unpack to', async () => {
    const images = gzipSync(idx([100, 28, 28], new Uint8Array(100 * 784)));
    server = await serveFiles(new Map([['i.gz', images]]));
    const dir = await tempDir();
    await expect(
      downloadDataset('mnist', {
        dir,
        baseUrl: server.baseUrl,
        source: {
          target: 'mnist',
          unpack: 'gunzip',
          files: [{ name: 'i.gz', url: '', md5: md5(images) }],
          expect: ['i'],
          limits: { bytes: 10_000, entries: 1 },
        },
      }),
    ).rejects.toThrow(/i\.gz: unpacks to more than the 10000 bytes this dataset can hold/);
    await nothingWritten(dir);
  });
});
