/**
 * Entry point of a JPEG decode worker thread (built to dist/jpeg-worker.js). It answers one
 * message per job, so a slow image never blocks the main thread.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeAndCrop } from './jpeg-decode.js';
import type { DecodeJob, DecodeReply } from './jpeg-protocol.js';

// One libvips thread per worker: the pool already runs one worker per core.
sharp.concurrency(1);

const port = parentPort;
if (port === null) throw new Error('jpeg-worker must run in a worker thread');

port.on('message', (job: DecodeJob) => {
  decodeAndCrop(job.file, job.plan, job.seed).then(
    (img) => {
      const reply: DecodeReply = {
        id: job.id,
        ok: true,
        data: img.data,
        shape: [...img.shape] as [number, number, number],
      };
      port.postMessage(reply, [img.data.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: DecodeReply = {
        id: job.id,
        ok: false,
        error: (error as Error).message ?? String(error),
      };
      port.postMessage(reply);
    },
  );
});
