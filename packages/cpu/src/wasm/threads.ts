import type { OpCode } from './layout.js';
import type { WasmKernels } from './module.js';
import { ThreadPool } from './pool.js';

/**
 * What the kernels need of a set of threads over their shared memory: run one job block per
 * thread (the first on the calling thread) and return when all are done. `ThreadPool` (Node's
 * worker_threads) is one; the browser entry installs a pool of Web Workers.
 */
export interface KernelThreads {
  /** Threads, the calling one included. */
  readonly size: number;
  run(op: OpCode, jobs: readonly number[]): void;
  /** Test hook: each thread sleeps up to `us` µs before each job (see JobCaller.setJitter). */
  setJitter(us: number): void;
  /** Jobs taken back from helpers that had not woken (see JobCaller). */
  readonly takenBack: number;
  close(): void;
}

/** Makes threads for the kernels, or null where the platform cannot give them now. */
export type ThreadsFactory = (k: WasmKernels, size: number) => KernelThreads | null;

let factory: ThreadsFactory = (k, size) => ThreadPool.create(k, size);

/**
 * Chooses how kernel threads are made. Node's worker threads start synchronously, so the default
 * factory makes them on first use; a browser's workers only start once the creating thread
 * returns to its event loop, so `startCpuThreads` of the browser entry starts them beforehand and
 * installs a factory that hands them out.
 */
export function setThreadsFactory(f: ThreadsFactory): void {
  factory = f;
}

/** Threads for the kernels from the installed factory. */
export function createThreads(k: WasmKernels, size: number): KernelThreads | null {
  return factory(k, size);
}
