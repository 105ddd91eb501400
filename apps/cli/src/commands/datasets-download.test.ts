import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { tempDir } from './test-fixtures.js';

describe('igc datasets download', () => {
  it('checks usage', async () => {
    let io = memoryIo();
    expect(await main(['datasets', 'download', 'imagenet', '--dir', 'x'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(
      /unknown dataset "imagenet"; expected one of cifar10, cifar100, svhn, mnist/,
    );
    io = memoryIo();
    expect(await main(['datasets', 'download', 'mnist'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/--dir is required/);
  });

  it('fetches from --base-url (a local server) and rejects files whose checksum is wrong', async () => {
    const requested: string[] = [];
    const server = createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(200, { 'content-length': 11 }).end('not mnist!!');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const dir = await tempDir();
      const io = memoryIo();
      expect(
        await main(['datasets', 'download', 'mnist', '--dir', dir, '--base-url', base], io),
      ).toBe(1);
      expect(requested).toEqual(['/train-images-idx3-ubyte.gz']);
      expect(io.stderr.at(-1)).toMatch(
        /train-images-idx3-ubyte\.gz: checksum mismatch: MD5 is [0-9a-f]{32}, expected f68b3c2dcbeaaa9fbdd348bbdeb94873/,
      );
      expect(existsSync(join(dir, 'mnist'))).toBe(false);
    } finally {
      server.close();
    }
  });
});
