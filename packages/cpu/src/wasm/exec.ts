import { cpuKernelOptions } from '../options.js';
import { opEntry } from './dispatch.js';
import { Op, type OpCode } from './layout.js';
import type { WasmKernels } from './module.js';
import { createThreads, type KernelThreads } from './threads.js';

let pool: KernelThreads | null = null;
/** Set when workers failed to start, so later calls stop trying. */
let poolBroken = false;
/** Test jitter of every pool (µs; see setKernelJitter). */
let jitterUs = 0;

/**
 * How many threads a call of `work` multiply-adds may use: at most `wanted`, 1 without workers
 * or below the parallel threshold.
 */
export function threadsFor(k: WasmKernels, wanted: number, work: number): number {
  if (wanted <= 1 || poolBroken || work < cpuKernelOptions().parallelThreshold) return 1;
  if (!pool || pool.size < wanted) {
    pool?.close();
    pool = createThreads(k, wanted);
    if (!pool) {
      // Results stay the same bits on one thread: every split is fixed (see FILTER_CHUNKS).
      poolBroken = true;
      return 1;
    }
    pool.setJitter(jitterUs);
  }
  return Math.min(wanted, pool.size);
}

/** Runs op on each job block, in parallel when there are several. */
export function execute(k: WasmKernels, op: OpCode, jobs: readonly number[]): void {
  if (jobs.length > 1 && pool) {
    pool.run(op, jobs);
    return;
  }
  const call = opEntry(k, op);
  for (const j of jobs) call(j);
}

export { Op };

/**
 * Test hook: every kernel thread sleeps a random time of up to `us` µs before each job (see
 * ThreadPool.setJitter), applied to the current pool and to any later one; 0 turns it off.
 */
export function setKernelJitter(us: number): void {
  jitterUs = us;
  pool?.setJitter(us);
}

/** Jobs the live pool took back from helpers that had not woken (see ThreadPool.run). */
export function poolTakenBack(): number {
  return pool?.takenBack ?? 0;
}

/** Threads of the live pool (1 when none): tests check the threaded path really ran. */
export function poolThreads(): number {
  return pool?.size ?? 1;
}
