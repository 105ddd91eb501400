import { CONTROL_WORDS, JobCaller } from '../wasm/dispatch.js';
import type { OpCode } from '../wasm/layout.js';
import type { WasmKernels } from '../wasm/module.js';
import type { KernelThreads } from '../wasm/threads.js';
import { WEB_WORKER_SOURCE } from './worker-source.js';

/** The slice of the Worker API used here (the package compiles without the DOM library). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
}

interface WebGlobals {
  Worker: new (url: string, options?: { name?: string }) => WebWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}

interface Helper {
  worker: WebWorker;
  ctl: Int32Array;
  seq: number;
}

/**
 * Web Workers over the kernels' shared memory, the browser's counterpart of `ThreadPool`: they
 * are started asynchronously (a browser starts a worker only once its creator returns to the
 * event loop), then `run` posts job blocks through Atomics and blocks in Atomics.wait until the
 * helpers finish, so the kernels still see a synchronous call. Atomics.wait is allowed in
 * workers only: the pool serves a backend running in a Web Worker.
 */
export class WebWorkerPool implements KernelThreads {
  private readonly helpers: Helper[] = [];
  private readonly caller: JobCaller;

  private constructor(k: WasmKernels) {
    this.caller = new JobCaller(k, this.helpers);
  }

  /** Starts `size − 1` helpers; rejects (after terminating them) when one fails to start. */
  static async start(k: WasmKernels, size: number, timeoutMs = 10_000): Promise<WebWorkerPool> {
    const g = globalThis as unknown as WebGlobals;
    const url = g.URL.createObjectURL(new g.Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
    const pool = new WebWorkerPool(k);
    try {
      const ready: Promise<void>[] = [];
      for (let i = 1; i < size; i++) {
        const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
        const worker = new g.Worker(url, { name: `igcnet-cpu-${i}` });
        pool.helpers.push({ worker, ctl, seq: 0 });
        ready.push(
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`kernel worker ${i} did not start in ${timeoutMs} ms`)),
              timeoutMs,
            );
            worker.onmessage = (e) => {
              clearTimeout(timer);
              if (e.data === 1) resolve();
              else reject(new Error(`kernel worker ${i} could not instantiate the kernels`));
            };
            worker.onerror = (e) => {
              clearTimeout(timer);
              reject(new Error(`kernel worker ${i} failed: ${e.message ?? 'unknown error'}`));
            };
          }),
        );
        worker.postMessage({ module: k.module, memory: k.memory, ctl: ctl.buffer, seed: i * 7919 });
      }
      await Promise.all(ready);
    } catch (e) {
      pool.close();
      throw e;
    } finally {
      g.URL.revokeObjectURL(url);
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
    for (const h of this.helpers) h.worker.terminate();
    this.helpers.length = 0;
  }
}
