import type { OpCode } from './layout.js';
import type { WasmKernels } from './module.js';

/**
 * The module's entry point of each Op, in Op order (layout.ts): the caller and both worker
 * programs look them up by these names.
 */
export const OP_ENTRY_NAMES = [
  'convForward',
  'convFilter',
  'convInput',
  'sgemm',
  'normJob',
] as const;

/** The entry point that runs one job block of `op`. */
export function opEntry(k: WasmKernels, op: OpCode): (job: number) => void {
  return k.exports[OP_ENTRY_NAMES[op]];
}

/**
 * Control words per helper (Int32Array over its own SharedArrayBuffer): 0 posted sequence,
 * 1 op, 2 job offset, 3 finished sequence, 4 error, 5 ready (1 ok, 2 failed), 6 test jitter (µs,
 * 0: none), 7 a word nobody writes (jitter sleeps on it), 8 claim (see CLAIM).
 */
export const CONTROL_WORDS = 9;

/**
 * Control word a helper claims its posted job with: the job's sequence number while it is
 * waiting, its negation once the helper runs it, 0 once the caller took it back.
 */
const CLAIM = 8;

/** A helper thread's side of the protocol: its control words and the last sequence posted. */
export interface JobHelper {
  ctl: Int32Array;
  seq: number;
}

/**
 * The caller's side of the job protocol shared by Node's worker threads and a browser's Web
 * Workers: posts jobs[i] to helper i − 1 through its control words, runs jobs[0] on the calling
 * thread, then waits for every posted helper. A helper claims its job when it wakes; one that
 * has not woken by the time the calling thread is done with its own (descheduled on a busy
 * machine) has the job taken back and run here, so the caller never sleeps on a thread that has
 * not started. Which thread runs a job never changes its result (see writeConvJobs).
 */
export class JobCaller {
  /** Test jitter: each thread sleeps up to this many µs before its job (0: none). */
  private jitterUs = 0;
  private rng = 1;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  /** Jobs taken back from helpers that had not woken (tests check both paths run). */
  takenBack = 0;

  constructor(
    private readonly k: WasmKernels,
    private readonly helpers: readonly JobHelper[],
  ) {}

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
    const call = opEntry(this.k, op);
    const posted: JobHelper[] = [];
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
}

/**
 * The helper's side, as source text for both worker programs: with `ctl` (the control words),
 * `seed` (a number for its test jitter) and `e` (the instance's exports, undefined when it failed
 * to instantiate) in scope, it serves jobs until the worker is terminated.
 */
export const JOB_LOOP = `
const fns = e && ${JSON.stringify(OP_ENTRY_NAMES)}.map((name) => e[name]);
let seen = 0;
let rng = seed >>> 0 || 1;
while (fns) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  const jitter = ctl[6];
  if (jitter > 0) {
    rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
    Atomics.wait(ctl, 7, 0, ((rng / 4294967296) * jitter) / 1000);
  }
  // The caller may have taken the job back (then it runs it itself, and waits for nothing).
  if (Atomics.compareExchange(ctl, 8, seen, -seen) !== seen) continue;
  try {
    fns[ctl[1]](ctl[2]);
    ctl[4] = 0;
  } catch (err) {
    ctl[4] = 1;
  }
  Atomics.store(ctl, 3, seen);
  Atomics.notify(ctl, 3);
}
`;
