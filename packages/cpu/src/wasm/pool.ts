import type { Worker } from 'node:worker_threads';
import type { OpCode } from './layout.js';
import type { WasmKernels } from './module.js';
import { WORKER_SOURCE } from './worker-source.js';

interface Helper {
  worker: Worker;
  ctl: Int32Array;
  seq: number;
}

/** How long a new worker may take to instantiate the module before threads are given up. */
const READY_TIMEOUT_MS = 10_000;

/**
 * Worker threads over the kernels' shared memory. A call posts jobs to the helpers, runs the
 * first job on the calling thread, then blocks in Atomics.wait until the helpers finish, so the
 * caller sees a synchronous function. Workers are unref'd: they never keep the process alive.
 */
export class ThreadPool {
  private readonly helpers: Helper[] = [];
  /** Test jitter: each thread sleeps up to this many µs before its job (0: none). */
  private jitterUs = 0;
  private rng = 1;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  private constructor(private readonly k: WasmKernels) {}

  /** A pool with `size − 1` helpers, or null where workers or Atomics.wait are unavailable. */
  static create(k: WasmKernels, size: number): ThreadPool | null {
    const wt =
      typeof process !== 'undefined'
        ? process.getBuiltinModule?.('node:worker_threads')
        : undefined;
    if (!wt) return null;
    const pool = new ThreadPool(k);
    try {
      for (let i = 1; i < size; i++) {
        const ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
        const worker = new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module: k.module, memory: k.memory, ctl: ctl.buffer, seed: i * 7919 },
        });
        worker.unref();
        pool.helpers.push({ worker, ctl, seq: 0 });
      }
      for (const h of pool.helpers) {
        Atomics.wait(h.ctl, 5, 0, READY_TIMEOUT_MS);
        if (Atomics.load(h.ctl, 5) !== 1) throw new Error('kernel worker failed to start');
      }
    } catch {
      pool.close();
      return null;
    }
    return pool;
  }

  /** Threads including the caller. */
  get size(): number {
    return this.helpers.length + 1;
  }

  /**
   * Makes every thread, the caller included, sleep a random time of up to `us` microseconds
   * before each job, so that tests can check that results never depend on which thread claims
   * which work (0 turns it off).
   */
  setJitter(us: number): void {
    this.jitterUs = us;
    for (const h of this.helpers) h.ctl[6] = us;
  }

  /** Runs op on each job block: jobs[0] here, the rest on helpers; returns when all are done. */
  run(op: OpCode, jobs: readonly number[]): void {
    const fns = this.k.exports;
    const call = [fns.convForward, fns.convFilter, fns.convInput, fns.sgemm][op]!;
    const posted: Helper[] = [];
    for (let i = 1; i < jobs.length; i++) {
      const h = this.helpers[i - 1]!;
      h.ctl[1] = op;
      h.ctl[2] = jobs[i]!;
      h.seq = (h.seq + 1) | 0;
      Atomics.store(h.ctl, 0, h.seq);
      Atomics.notify(h.ctl, 0);
      posted.push(h);
    }
    let failed = false;
    if (this.jitterUs > 0) {
      this.rng = (Math.imul(this.rng, 1664525) + 1013904223) >>> 0;
      Atomics.wait(this.sleeper, 0, 0, ((this.rng / 2 ** 32) * this.jitterUs) / 1000);
    }
    try {
      call(jobs[0]!);
    } finally {
      for (const h of posted) {
        for (let v = Atomics.load(h.ctl, 3); v !== h.seq; v = Atomics.load(h.ctl, 3)) {
          Atomics.wait(h.ctl, 3, v);
        }
        if (h.ctl[4] !== 0) failed = true;
      }
    }
    if (failed) throw new Error('a kernel worker trapped');
  }

  /** Terminates the helpers. */
  close(): void {
    for (const h of this.helpers) void h.worker.terminate();
    this.helpers.length = 0;
  }
}
