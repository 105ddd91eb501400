import { JOB_LOOP } from './dispatch.js';

/**
 * The worker's program, run with `eval: true` so it needs no file path (the same code works from
 * src under vitest/tsx and from the bundled dist). Control words: see CONTROL_WORDS in
 * dispatch.ts.
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.ctl);
const seed = workerData.seed;
let e;
try {
  e = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
  Atomics.store(ctl, 5, 1);
} catch (err) {
  Atomics.store(ctl, 5, 2);
}
Atomics.notify(ctl, 5);
${JOB_LOOP}`;
