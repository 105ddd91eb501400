import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileVersionEvent, scalarEvent } from './proto.js';
import { frameRecord } from './tfrecord.js';

let opened = 0;

/**
 * Writes a TensorBoard event file (`events.out.tfevents.<time>.<host>.<pid>.<n>`, the name
 * PyTorch's SummaryWriter uses) in a log folder: TFRecord-framed `Event` protobufs, the first one
 * holding `file_version`. Scalars are queued and appended in order by one chain of writes, so
 * calls never wait; {@link flush} and {@link close} wait and report a failed write.
 */
export class SummaryWriter {
  private pending: Uint8Array[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    /** The event file. */
    readonly file: string,
    private readonly fh: FileHandle,
  ) {}

  /** Creates the folder and a new event file in it. */
  static async open(logDir: string): Promise<SummaryWriter> {
    await mkdir(logDir, { recursive: true });
    const now = Date.now() / 1000;
    const name = `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}.${opened++}`;
    const file = join(logDir, name);
    const fh = await open(file, 'wx');
    const w = new SummaryWriter(file, fh);
    w.enqueue(fileVersionEvent(now));
    await w.flush();
    return w;
  }

  /** Queues a scalar; `wallTime` is seconds since 1970 (default: now). */
  scalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    if (this.closed) throw new Error(`${this.file}: the writer is closed`);
    this.enqueue(scalarEvent(tag, value, step, wallTime));
  }

  private enqueue(event: Uint8Array): void {
    const first = this.pending.length === 0;
    this.pending.push(frameRecord(event));
    if (!first) return;
    this.chain = this.chain.then(async () => {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.fh.write(Buffer.concat(batch));
      } catch (e) {
        this.failure ??= new Error(`${this.file}: cannot write (${(e as Error).message})`);
      }
    });
  }

  /** Waits for every queued event to reach the file. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.fh.close();
    }
  }
}
