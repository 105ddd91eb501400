import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readCifar10 } from '../readers/cifar.js';
import { readMnist } from '../readers/mnist.js';
import { readSvhn } from '../readers/svhn.js';
import { CIFAR10_NAMES, cifarBatch, idx, tempDir } from '../testing/fixtures.js';
import { type FixtureServer, serveFiles } from '../testing/http-fixture.js';
import { svhnMat } from '../testing/mat-writer.js';
import { type TarEntry, tarGz } from '../testing/tar-writer.js';
import { CACHE_DIR, COMPLETE_MARKER, downloadDataset } from './download.js';
import type { DatasetSource } from './sources.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function cifarArchive(extra: TarEntry[] = []): Uint8Array {
  const root = 'cifar-10-batches-bin';
  const batches = [
    'data_batch_1.bin',
    'data_batch_2.bin',
    'data_batch_3.bin',
    'data_batch_4.bin',
    'data_batch_5.bin',
    'test_batch.bin',
  ];
  return tarGz([
    { path: `${root}/`, type: '5' },
    { path: `${root}/batches.meta.txt`, body: CIFAR10_NAMES.join('\n') },
    ...batches.map((b, i) => ({ path: `${root}/${b}`, body: cifarBatch([[i], [(i + 1) % 10]]) })),
    ...extra,
  ]);
}

function cifarSource(archive: Uint8Array): DatasetSource {
  return {
    target: 'cifar-10-batches-bin',
    unpack: 'tar.gz',
    files: [{ name: 'cifar-10-binary.tar.gz', url: 'unused', md5: md5(archive) }],
    expect: ['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin'],
  };
}

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('downloadDataset', () => {
  it('fetches, verifies, extracts atomically with a marker, and skips a finished dataset', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
    const dir = await tempDir();
    const result = await downloadDataset('cifar10', {
      dir,
      baseUrl: server.baseUrl,
      source: cifarSource(archive),
    });
    expect(result).toEqual({
      dataset: 'cifar10',
      path: join(dir, 'cifar-10-batches-bin'),
      alreadyPresent: false,
    });
    expect(existsSync(join(result.path, COMPLETE_MARKER))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['cifar-10-batches-bin']);
    const train = await readCifar10(result.path, { split: 'train' });
    expect(train.length).toBe(10);
    expect(train.notes).toEqual([]);
    const again = await downloadDataset('cifar10', {
      dir,
      baseUrl: server.baseUrl,
      source: cifarSource(archive),
    });
    expect(again.alreadyPresent).toBe(true);
    expect(server.requests.length).toBe(1);
  });

  it('rejects a checksum mismatch and leaves no dataset folder', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
    const dir = await tempDir();
    const source = {
      ...cifarSource(archive),
      files: [{ name: 'cifar-10-binary.tar.gz', url: 'x', md5: '0'.repeat(32) }],
    };
    await expect(
      downloadDataset('cifar10', { dir, baseUrl: server.baseUrl, source }),
    ).rejects.toThrow(
      `cifar-10-binary.tar.gz: checksum mismatch: MD5 is ${md5(archive)}, expected ${'0'.repeat(32)}`,
    );
    expect(existsSync(join(dir, 'cifar-10-batches-bin'))).toBe(false);
    expect(await readdir(join(dir, CACHE_DIR))).toEqual([]);
  });

  it('resumes an interrupted download with a Range request', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]), { cutAfter: 1000 });
    const dir = await tempDir();
    const options = { dir, baseUrl: server.baseUrl, source: cifarSource(archive), retries: 0 };
    await expect(downloadDataset('cifar10', options)).rejects.toThrow(/interrupted|ended after/);
    expect(existsSync(join(dir, 'cifar-10-batches-bin'))).toBe(false);
    const part = join(dir, CACHE_DIR, 'cifar-10-binary.tar.gz.part');
    const kept = (await readFile(part)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(archive.length);
    await downloadDataset('cifar10', options);
    expect(server.requests.map((r) => r.range)).toEqual(['', `bytes=${kept}-`]);
    expect(existsSync(join(dir, 'cifar-10-batches-bin', COMPLETE_MARKER))).toBe(true);
  });

  it('restarts cleanly when the server ignores ranges', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]), { noRange: true });
    const dir = await tempDir();
    await mkdir(join(dir, CACHE_DIR));
    await writeFile(
      join(dir, CACHE_DIR, 'cifar-10-binary.tar.gz.part'),
      Buffer.from('stale bytes'),
    );
    await downloadDataset('cifar10', {
      dir,
      baseUrl: server.baseUrl,
      source: cifarSource(archive),
    });
    expect(server.requests[0]!.range).toBe('bytes=11-');
    expect((await readCifar10(join(dir, 'cifar-10-batches-bin'), { split: 'test' })).length).toBe(
      2,
    );
  });

  it('restarts when a resumed file turns out corrupt', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
    const dir = await tempDir();
    await mkdir(join(dir, CACHE_DIR));
    await writeFile(join(dir, CACHE_DIR, 'cifar-10-binary.tar.gz.part'), Buffer.alloc(500, 7));
    await downloadDataset('cifar10', {
      dir,
      baseUrl: server.baseUrl,
      source: cifarSource(archive),
    });
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=500-', '']);
  });

  for (const [what, entry, message] of [
    [
      'a path with ..',
      { path: 'cifar-10-batches-bin/../../evil.txt', body: 'x' },
      /would be written outside/,
    ],
    ['an absolute path', { path: '/tmp/evil.txt', body: 'x' }, /would be written outside/],
    [
      'a symlink out',
      { path: 'cifar-10-batches-bin/link', type: '2', linkpath: '../../etc' },
      /symbolic link .* points outside/,
    ],
    [
      'an absolute symlink',
      { path: 'cifar-10-batches-bin/link', type: '2', linkpath: '/etc/passwd' },
      /symbolic link .* points outside/,
    ],
    [
      'a hard link out',
      { path: 'cifar-10-batches-bin/hard', type: '1', linkpath: '../outside' },
      /hard link .* points outside/,
    ],
    ['a device', { path: 'cifar-10-batches-bin/dev', type: '3' }, /is a CharacterDevice/],
  ] as [string, TarEntry, RegExp][]) {
    it(`refuses an archive with ${what}, writing nothing`, async () => {
      const archive = cifarArchive([entry]);
      server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
      const dir = await tempDir();
      await expect(
        downloadDataset('cifar10', { dir, baseUrl: server.baseUrl, source: cifarSource(archive) }),
      ).rejects.toThrow(message);
      expect((await readdir(dir)).filter((n) => n !== CACHE_DIR)).toEqual([]);
    });
  }

  it('allows a symlink that stays inside', async () => {
    const archive = cifarArchive([
      { path: 'cifar-10-batches-bin/alias.bin', type: '2', linkpath: 'test_batch.bin' },
    ]);
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
    const dir = await tempDir();
    await downloadDataset('cifar10', {
      dir,
      baseUrl: server.baseUrl,
      source: cifarSource(archive),
    });
    expect(existsSync(join(dir, 'cifar-10-batches-bin', 'alias.bin'))).toBe(true);
  });

  it('refuses to overwrite a folder it did not finish, unless forced', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
    const dir = await tempDir();
    await mkdir(join(dir, 'cifar-10-batches-bin'));
    const options = { dir, baseUrl: server.baseUrl, source: cifarSource(archive) };
    await expect(downloadDataset('cifar10', options)).rejects.toThrow(
      /cifar-10-batches-bin: exists but is not a finished download/,
    );
    await downloadDataset('cifar10', { ...options, force: true });
    expect(existsSync(join(dir, 'cifar-10-batches-bin', COMPLETE_MARKER))).toBe(true);
  });

  it('clears temp folders left by a killed run', async () => {
    const archive = cifarArchive();
    server = await serveFiles(new Map([['cifar-10-binary.tar.gz', archive]]));
    const dir = await tempDir();
    await mkdir(join(dir, '.igc-tmp-cifar-10-batches-bin-abc123', 'cifar-10-batches-bin'), {
      recursive: true,
    });
    await downloadDataset('cifar10', {
      dir,
      baseUrl: server.baseUrl,
      source: cifarSource(archive),
    });
    expect((await readdir(dir)).sort()).toEqual(['cifar-10-batches-bin']);
  });

  it('downloads MNIST (gunzip) and SVHN (.mat copies) into readable folders', async () => {
    const images = gzipSync(idx([2, 28, 28], new Uint8Array(2 * 784).fill(9)));
    const labels = gzipSync(idx([2], Uint8Array.of(4, 2)));
    const train = svhnMat([3, 0]);
    const test = svhnMat([1], { compress: true });
    server = await serveFiles(
      new Map<string, Uint8Array>([
        ['train-images-idx3-ubyte.gz', images],
        ['train-labels-idx1-ubyte.gz', labels],
        ['train_32x32.mat', train],
        ['test_32x32.mat', test],
      ]),
    );
    const dir = await tempDir();
    const mnist = await downloadDataset('mnist', {
      dir,
      baseUrl: server.baseUrl,
      source: {
        target: 'mnist',
        unpack: 'gunzip',
        files: [
          { name: 'train-images-idx3-ubyte.gz', url: '', md5: md5(images) },
          { name: 'train-labels-idx1-ubyte.gz', url: '', md5: md5(labels) },
        ],
        expect: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
      },
    });
    expect([...(await readMnist({ dir: mnist.path, split: 'train' })).labels]).toEqual([4, 2]);
    const svhn = await downloadDataset('svhn', {
      dir,
      baseUrl: server.baseUrl,
      source: {
        target: 'svhn',
        unpack: 'copy',
        files: [
          { name: 'train_32x32.mat', url: '', md5: md5(train) },
          { name: 'test_32x32.mat', url: '', md5: md5(test) },
        ],
        expect: ['train_32x32.mat', 'test_32x32.mat'],
      },
    });
    expect([...(await readSvhn(svhn.path, { split: 'train' })).labels]).toEqual([3, 0]);
    expect(existsSync(join(dir, CACHE_DIR))).toBe(false);
  });

  it('reports an HTTP error with the URL', async () => {
    server = await serveFiles(new Map());
    const dir = await tempDir();
    const source = cifarSource(new Uint8Array(1));
    await expect(
      downloadDataset('cifar10', { dir, baseUrl: server.baseUrl, source }),
    ).rejects.toThrow(`${server.baseUrl}/cifar-10-binary.tar.gz: HTTP 404`);
  });
});
