import { JOB_LOOP } from '../wasm/dispatch.js';

/**
 * The program of a kernel Web Worker (a classic worker made from a Blob, so it needs no file
 * next to the bundle). Its first message brings the compiled module, the shared memory and its
 * control words; it instantiates the module, says whether that worked, then serves jobs exactly
 * as the Node worker does (`../wasm/worker-source.ts`; control words: CONTROL_WORDS in
 * `../wasm/dispatch.ts`). A dedicated worker may
 * block in Atomics.wait; it never returns to its event loop once serving.
 */
export const WEB_WORKER_SOURCE = `
onmessage = (event) => {
  onmessage = null;
  const { module, memory, ctl: buffer, seed } = event.data;
  const ctl = new Int32Array(buffer);
  let e;
  try {
    e = new WebAssembly.Instance(module, { env: { memory } }).exports;
    Atomics.store(ctl, 5, 1);
  } catch (err) {
    Atomics.store(ctl, 5, 2);
  }
  postMessage(Atomics.load(ctl, 5));
  ${JOB_LOOP}
};
`;
