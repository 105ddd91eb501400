import type { Worker } from 'node:worker_threads';
import { CONTROL_WORDS, JobCaller } from './dispatch.js';
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
  private readonly caller: JobCaller;

  private constructor(k: WasmKernels) {
    this.caller = new JobCaller(k, this.helpers);
  }

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
        const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
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

  /** Test hook: see JobCaller.setJitter. */
  setJitter(us: number): void {
    this.caller.setJitter(us);
  }

  /** Jobs taken back from helpers that had not woken (see JobCaller). */
  get takenBack(): number {
    return this.caller.takenBack;
  }

  /** Runs op on each job block: jobs[0] here, the rest on helpers; returns when all are done. */
  run(op: OpCode, jobs: readonly number[]): void {
    this.caller.run(op, jobs);
  }

  /** Terminates the helpers. */
  close(): void {
    for (const h of this.helpers) void h.worker.terminate();
    this.helpers.length = 0;
  }
}
