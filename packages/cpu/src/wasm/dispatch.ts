import type { OpCode } from './layout.js';
import type { WasmKernels } from './module.js';

/** A helper thread's side of the protocol: its control words and the last sequence posted. */
export interface JobHelper {
  ctl: Int32Array;
  seq: number;
}

/**
 * The caller's side of the job protocol shared by Node's worker threads and a browser's Web
 * Workers: posts jobs[i] to helper i − 1 through its control words, runs jobs[0] on the calling
 * thread, then blocks in Atomics.wait until every posted helper finished. Control words: 0 posted
 * sequence, 1 op, 2 job offset, 3 finished sequence, 4 error (see {@link JOB_LOOP}).
 */
export function dispatch(
  k: WasmKernels,
  helpers: readonly JobHelper[],
  op: OpCode,
  jobs: readonly number[],
): void {
  const fns = k.exports;
  const call = [fns.convForward, fns.convFilter, fns.convInput, fns.sgemm][op]!;
  const posted: JobHelper[] = [];
  for (let i = 1; i < jobs.length; i++) {
    const h = helpers[i - 1]!;
    h.ctl[1] = op;
    h.ctl[2] = jobs[i]!;
    h.seq = (h.seq + 1) | 0;
    Atomics.store(h.ctl, 0, h.seq);
    Atomics.notify(h.ctl, 0);
    posted.push(h);
  }
  let failed = false;
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

/**
 * The helper's side, as source text for both worker programs: with `ctl` (the control words)
 * and `fns` (the instance's entry points in Op order, undefined when it failed to instantiate)
 * in scope, it serves jobs until the worker is terminated.
 */
export const JOB_LOOP = `
let seen = 0;
while (fns) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
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
