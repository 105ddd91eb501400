/**
 * The browser entry of @igcnet/cpu (chosen through the `browser` export condition): everything
 * of the main entry, which registers the backend, plus {@link startCpuThreads}, which starts the
 * kernel threads as Web Workers (a browser cannot start them on demand inside a kernel call, as
 * Node's worker threads are). Without it the backend runs on one thread.
 *
 * ```ts
 * // in a module Web Worker of a cross-origin isolated page
 * import { startCpuThreads } from '@igcnet/cpu';
 * const info = await startCpuThreads(); // { kernels: 'wasm', threads: 4 } or why not
 * ```
 * @packageDocumentation
 */

export { type CpuThreadsInfo, startCpuThreads } from './browser/threads.js';
export * from './index.js';
