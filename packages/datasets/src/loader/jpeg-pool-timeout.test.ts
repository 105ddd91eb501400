import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageNet } from '../readers/imagenet.js';
import { tempDir, WNIDS, writeImageNet } from '../testing/fixtures.js';
import { centerCrop } from '../transforms/crop-plan.js';
import { JpegPool } from './jpeg-pool.js';

/**
 * A stand-in decode worker: answers at once with a blank image, except for files named
 * `*hang*`, where it spins forever as a decoder stuck on a hostile JPEG would.
 */
const HANGING_WORKER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (job) => {
  if (job.file.includes('hang')) for (;;) {}
  const n = job.plan.size;
  parentPort.postMessage({ id: job.id, ok: true, data: new Uint8Array(3 * n * n), shape: [3, n, n] });
});
`;

async function hangingWorker(): Promise<string> {
  const file = join(await tempDir(), 'hanging-worker.mjs');
  await writeFile(file, HANGING_WORKER);
  return file;
}

describe('JpegPool timeout', () => {
  it('fails a hung decode, restarts its worker and finishes the jobs queued behind it', async () => {
    // Long enough that the restarted worker answers the two queued jobs in time on a loaded CI
    // machine (at 0.5 s they timed out too there), short enough to keep the test quick.
    const pool = new JpegPool({ size: 1, workerUrl: await hangingWorker(), timeoutMs: 2000 });
    const plan = centerCrop({ size: 4, resize: 4 });
    try {
      const t0 = performance.now();
      const results = await Promise.allSettled([
        pool.decode('/data/hang.JPEG', plan, 0),
        pool.decode('/data/a.JPEG', plan, 0),
        pool.decode('/data/b.JPEG', plan, 0),
      ]);
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(results[0]).toMatchObject({
        status: 'rejected',
        reason: { message: 'decoding timed out after 2 s; its worker was restarted' },
      });
      expect(results.slice(1).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect((await pool.decode('/data/c.JPEG', plan, 0)).shape).toEqual([3, 4, 4]);
    } finally {
      await pool.close();
    }
  });

  it('names the file through the dataset', async () => {
    const dir = await writeImageNet(await tempDir(), [1]);
    const hung = join(dir, 'train', WNIDS[0]!, 'hang.JPEG');
    await writeFile(hung, 'not even a JPEG');
    const pool = new JpegPool({ size: 1, workerUrl: await hangingWorker(), timeoutMs: 200 });
    try {
      const ds = await readImageNet(dir, { split: 'train', crop: centerCrop({ size: 4 }), pool });
      const i = ds.files.indexOf(hung);
      await expect(ds.get(i)).rejects.toThrow(
        `${hung}: cannot decode image: decoding timed out after 0.2 s`,
      );
    } finally {
      await pool.close();
    }
  });
});
