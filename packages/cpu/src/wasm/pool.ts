import type { Worker } from 'node:worker_threads';
import type { OpCode } from './layout.js';
import type { WasmKernels } from './module.js';
import { WORKER_SOURCE } from './worker-source.js';

interface Helper {
  worker: Worker;
  ctl: Int32Array;
  seq: number;
}

/**
 * Control word a helper claims its posted job with: the job's sequence number while it is
 * waiting, its negation once the helper runs it, 0 once the caller took it back.
 */
const CLAIM = 8;

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
  /** Jobs taken back from helpers that had not woken (tests check both paths run). */
  takenBack = 0;

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
        const ctl = new Int32Array(new SharedArrayBuffer(9 * 4));
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

  /**
   * Runs op on each job block: jobs[0] here, the rest on helpers; returns when all are done. A
   * helper claims its job when it wakes; one that has not woken by the time the calling thread
   * is done with its own (descheduled on a busy machine) has the job taken back and run here,
   * so the caller never sleeps on a thread that has not started. Which thread runs a job never
   * changes its result (see writeConvJobs).
   */
  run(op: OpCode, jobs: readonly number[]): void {
    const fns = this.k.exports;
    const call = [fns.convForward, fns.convFilter, fns.convInput, fns.sgemm, fns.normJob][op]!;
    const posted: Helper[] = [];
    for (let i = 1; i < jobs.length; i++) {
      const h = this.helpers[i - 1]!;
      h.ctl[1] = op;
      h.ctl[2] = jobs[i]!;
      h.seq = (h.seq + 1) & 0x3fffffff || 1;
      Atomics.store(h.ctl, CLAIM, h.seq);
      Atomics.store(h.ctl, 0, h.seq);
      Atomics.notify(h.ctl, 0);
      posted.push(h);
    }
    if (this.jitterUs > 0) {
      this.rng = (Math.imul(this.rng, 1664525) + 1013904223) >>> 0;
      Atomics.wait(this.sleeper, 0, 0, ((this.rng / 2 ** 32) * this.jitterUs) / 1000);
    }
    let error: unknown;
    let trapped = false;
    try {
      call(jobs[0]!);
    } catch (e) {
      error = e;
    }
    posted.forEach((h, i) => {
      if (Atomics.compareExchange(h.ctl, CLAIM, h.seq, 0) === h.seq) {
        // Taken back before the helper woke: it will skip it.
        this.takenBack++;
        if (error === undefined) {
          try {
            call(jobs[i + 1]!);
          } catch (e) {
            error = e;
          }
        }
        return;
      }
      for (let v = Atomics.load(h.ctl, 3); v !== h.seq; v = Atomics.load(h.ctl, 3)) {
        Atomics.wait(h.ctl, 3, v);
      }
      if (h.ctl[4] !== 0) trapped = true;
    });
    if (error !== undefined) throw error;
    if (trapped) throw new Error('a kernel worker trapped');
  }

  /** Terminates the helpers. */
  close(): void {
    for (const h of this.helpers) void h.worker.terminate();
    this.helpers.length = 0;
  }
}
