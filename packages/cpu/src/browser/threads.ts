import { cpuKernelOptions, setCpuKernelOptions } from '../options.js';
import { loadWasmKernels } from '../wasm/module.js';
import { setThreadsFactory } from '../wasm/threads.js';
import { WebWorkerPool } from './web_pool.js';

/** What the CPU backend runs on in this page, as {@link startCpuThreads} set it up. */
export interface CpuThreadsInfo {
  /** Convs, GEMMs and batch norm on WebAssembly SIMD (`wasm`) or plain TypeScript (`ts`). */
  kernels: 'wasm' | 'ts';
  /** Threads of those kernels, the calling one included. */
  threads: number;
  /** Why there are fewer threads than asked, or no WebAssembly, when so. */
  note?: string;
}

interface BrowserGlobals {
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
}

let current: WebWorkerPool | undefined;

function defaultThreads(g: BrowserGlobals): number {
  return Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1));
}

/**
 * Sets up the CPU backend's kernel threads in a browser, where they cannot start on demand as
 * Node's do: call it (once, or again to change the count) before training. Threads share memory
 * through SharedArrayBuffer, which a browser gives only to cross-origin isolated pages
 * (`Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`);
 * without it the kernels run on one thread (WebAssembly where the browser still allows its shared
 * memory, as Chromium does, plain TypeScript otherwise). Threads also need the backend to
 * run in a Web Worker (blocking waits are not allowed on a page's main thread). It never
 * throws for what the page lacks: the result says what runs and why.
 *
 * @param threads threads wanted, the calling one included (default: the machine's cores, at
 *   most 4).
 */
export async function startCpuThreads(threads?: number): Promise<CpuThreadsInfo> {
  const g = globalThis as BrowserGlobals;
  const wanted = threads ?? defaultThreads(g);
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new Error(`startCpuThreads: threads must be a positive integer, got ${threads}`);
  current?.close();
  current = undefined;
  setCpuKernelOptions({ threads: 1 });
  const k = cpuKernelOptions().impl === 'ts' ? null : loadWasmKernels();
  if (!k) {
    const note =
      cpuKernelOptions().impl === 'ts'
        ? 'plain TypeScript kernels were chosen (IGCNET_CPU_KERNELS=ts or setCpuKernelOptions)'
        : g.crossOriginIsolated === false
          ? 'the page is not cross-origin isolated (COOP/COEP headers), so WebAssembly shared memory is unavailable: plain TypeScript kernels run'
          : 'WebAssembly SIMD with shared memory is unavailable here: plain TypeScript kernels run';
    return { kernels: 'ts', threads: 1, note };
  }
  if (wanted === 1) return { kernels: 'wasm', threads: 1 };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) {
    return {
      kernels: 'wasm',
      threads: 1,
      note: 'the page is not cross-origin isolated (COOP/COEP headers), so kernel threads cannot share memory: one thread',
    };
  }
  if (g.WorkerGlobalScope === undefined) {
    return {
      kernels: 'wasm',
      threads: 1,
      note: "a page's main thread may not block on other threads: run the backend in a Web Worker for threads",
    };
  }
  let pool: WebWorkerPool;
  try {
    pool = await WebWorkerPool.start(k, wanted);
  } catch (e) {
    return {
      kernels: 'wasm',
      threads: 1,
      note: `kernel workers did not start: ${(e as Error).message}`,
    };
  }
  current = pool;
  // The kernels ask for threads on first use; they get this pool while it is open and big enough.
  setThreadsFactory((kernels, size) =>
    kernels === k && size <= pool.size && pool.size > 1 ? pool : null,
  );
  setCpuKernelOptions({ threads: wanted });
  return { kernels: 'wasm', threads: wanted };
}
