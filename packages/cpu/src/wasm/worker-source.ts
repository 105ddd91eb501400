/**
 * The worker's program, run with `eval: true` so it needs no file path (the same code works from
 * src under vitest/tsx and from the bundled dist). Control words (Int32Array over its own
 * SharedArrayBuffer): 0 posted sequence, 1 op, 2 job offset, 3 finished sequence, 4 error,
 * 5 ready (1 ok, 2 failed), 6 test jitter (µs, 0: none), 7 a word nobody writes (jitter sleeps
 * on it), 8 claim (pool.ts: CLAIM). The op order matches Op in layout.ts.
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.ctl);
let fns;
try {
  const inst = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
  const e = inst.exports;
  fns = [e.convForward, e.convFilter, e.convInput, e.sgemm, e.normJob];
  Atomics.store(ctl, 5, 1);
} catch (err) {
  Atomics.store(ctl, 5, 2);
}
Atomics.notify(ctl, 5);
let seen = 0;
let rng = workerData.seed >>> 0;
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
