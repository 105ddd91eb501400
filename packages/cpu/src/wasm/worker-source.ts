import { JOB_LOOP } from './dispatch.js';

/**
 * The worker's program, run with `eval: true` so it needs no file path (the same code works from
 * src under vitest/tsx and from the bundled dist). Control words (Int32Array over its own
 * SharedArrayBuffer): 0 posted sequence, 1 op, 2 job offset, 3 finished sequence, 4 error,
 * 5 ready (1 ok, 2 failed). The op order matches Op in layout.ts.
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.ctl);
let fns;
try {
  const inst = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
  const e = inst.exports;
  fns = [e.convForward, e.convFilter, e.convInput, e.sgemm];
  Atomics.store(ctl, 5, 1);
} catch (err) {
  Atomics.store(ctl, 5, 2);
}
Atomics.notify(ctl, 5);
${JOB_LOOP}`;
