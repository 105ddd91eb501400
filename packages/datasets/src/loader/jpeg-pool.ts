import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { datasetsFlags } from '../flags.js';
import type { CropPlan } from '../transforms/crop-plan.js';
import type { DecodedImage } from './jpeg-decode.js';
import type { DecodeJob, DecodeReply } from './jpeg-protocol.js';

/** Options for {@link JpegPool}. */
export interface JpegPoolOptions {
  /** Worker threads; default: one per core, at most 8. */
  size?: number;
  /**
   * The worker script. Default: `jpeg-worker.js` beside this module (the built package), or
   * the `IGCNET_JPEG_WORKER` environment variable (tests running from source set it).
   */
  workerUrl?: URL | string;
  /**
   * How long one decode may take before it fails (naming the file, through the dataset) and
   * its worker is replaced; default 60 s. A hung decoder would otherwise stall training forever.
   */
  timeoutMs?: number;
}

interface Pending {
  job: DecodeJob;
  resolve: (img: DecodedImage) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  busy: Map<number, Pending>;
  /** The worker runs (a job's timeout starts then, so a slow start does not count). */
  online: boolean;
}

/** Jobs each worker holds at once: two lets one read its file while another decodes. */
const PER_WORKER = 2;

function defaultWorkerUrl(): URL | string {
  return datasetsFlags.get('jpegWorker') ?? new URL('./jpeg-worker.js', import.meta.url);
}

/**
 * A small pool of worker threads that decode and crop JPEGs with sharp. Workers start on first
 * use and hold the process open only while they have work (they are unref'd when idle), so a
 * forgotten `close()` never keeps a program alive.
 */
export class JpegPool {
  readonly size: number;
  readonly #url: URL | string;
  readonly #timeoutMs: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: JpegPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(8, availableParallelism()));
    this.#url = options.workerUrl ?? defaultWorkerUrl();
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Decodes `file` and applies `plan` with randomness from `seed`. */
  decode(file: string, plan: CropPlan, seed: number): Promise<DecodedImage> {
    if (this.#closed) return Promise.reject(new Error('JpegPool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ job: { id: this.#nextId++, file, plan, seed }, resolve, reject });
      this.#pump();
    });
  }

  /** Stops the workers; pending decodes fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new Error('JpegPool closed'));
    const slots = this.#slots.splice(0);
    for (const s of slots)
      for (const p of s.busy.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('JpegPool closed'));
      }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#pickSlot();
      if (slot === undefined) return;
      const pending = this.#queue.shift()!;
      slot.busy.set(pending.job.id, pending);
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
      if (slot.online) this.#startTimer(slot, pending);
    }
  }

  #startTimer(slot: Slot, pending: Pending): void {
    pending.timer = setTimeout(() => this.#timedOut(slot, pending), this.#timeoutMs);
    pending.timer.unref();
  }

  /**
   * A decode ran past the timeout: it fails, its worker (stuck in native code or a loop) is
   * terminated, and the worker's other jobs go back to the front of the queue for a fresh one.
   */
  #timedOut(slot: Slot, pending: Pending): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    slot.busy.delete(pending.job.id);
    for (const p of slot.busy.values()) clearTimeout(p.timer);
    this.#queue.unshift(...slot.busy.values());
    slot.busy.clear();
    void slot.worker.terminate();
    pending.reject(
      new Error(`decoding timed out after ${this.#timeoutMs / 1000} s; its worker was restarted`),
    );
    if (!this.#closed) this.#pump();
  }

  #pickSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.#slots) if (best === undefined || s.busy.size < best.busy.size) best = s;
    if ((best === undefined || best.busy.size > 0) && this.#slots.length < this.size)
      return this.#spawn();
    return best !== undefined && best.busy.size < PER_WORKER ? best : undefined;
  }

  #spawn(): Slot {
    const worker = new Worker(this.#url);
    const slot: Slot = { worker, busy: new Map(), online: false };
    worker.unref();
    worker.on('online', () => {
      slot.online = true;
      for (const p of slot.busy.values()) this.#startTimer(slot, p);
    });
    worker.on('message', (reply: DecodeReply) => {
      const pending = slot.busy.get(reply.id);
      if (pending === undefined) return;
      slot.busy.delete(reply.id);
      clearTimeout(pending.timer);
      if (slot.busy.size === 0) worker.unref();
      if (reply.ok) pending.resolve({ data: reply.data, shape: reply.shape });
      else pending.reject(new Error(reply.error));
      this.#pump();
    });
    const fail = (error: Error) => {
      // A crashed worker takes its jobs with it; drop it so the next job spawns a fresh one.
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      for (const p of slot.busy.values()) {
        clearTimeout(p.timer);
        p.reject(error);
      }
      slot.busy.clear();
      if (!this.#closed) this.#pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (slot.busy.size > 0) fail(new Error(`JPEG decode worker exited with code ${code}`));
    });
    this.#slots.push(slot);
    return slot;
  }
}
