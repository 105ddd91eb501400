import { type WasmMemory, type WasmModule, wasmApi } from './api.js';
import { WasmHeap } from './heap.js';
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

/** The functions the kernel module exports; each takes the byte offset of a job block. */
export interface KernelExports {
  convForward(job: number): void;
  convFilter(job: number): void;
  convInput(job: number): void;
  sgemm(job: number): void;
  /** Training batch norm over channels, as a thread job (assembly/index.as: normJob). */
  normJob(job: number): void;
  /** Bytes of per-thread GEMM packing scratch. */
  gemmScratchBytes(): number;
  /** Per-thread scratch bytes of conv `op` (0 forward, 1 filter, 2 input) for the job's shape. */
  convScratchBytes(job: number, op: number): number;
  /** Sums the small-group filter gradient's per-item slots, over images in order, into `out`. */
  filterReduce(slots: number, groups: number, batch: number, slotFloats: number, out: number): void;
  /** Winograd's transformed filters U[g][ξ][co][ci] of w (assembly/winograd.as). */
  winogradFilter(w: number, groups: number, coutG: number, cinG: number, u: number): void;
  /**
   * The Winograd filter gradient's chunk partials (each partBytes apart) summed in order and
   * transformed back into dw (assembly/winograd_grad.as).
   */
  winogradFilterReduce(
    parts: number,
    nparts: number,
    partBytes: number,
    groups: number,
    coutG: number,
    cinG: number,
    dw: number,
  ): void;
  /** o = a op b over n floats (op 0 +, 1 −, 2 ×, 3 ÷; assembly/elementwise.as). */
  ewBinary(op: number, a: number, b: number, o: number, n: number): void;
  /** o = max(x, 0) over n floats, NaN kept. */
  ewRelu(x: number, o: number, n: number): void;
  /** o = x > 0 ? 1 : 0 over n floats. */
  ewStep(x: number, o: number, n: number): void;
  /** Bytes of scratch a batch-norm job block of `channels` channels needs (assembly/norm.as). */
  normScratchBytes(channels: number): number;
}

/**
 * The compiled module (shareable with workers), its shared memory, this thread's instance, and
 * the allocator of that memory (tensors and kernel scratch live in it).
 */
export interface WasmKernels {
  module: WasmModule;
  memory: WasmMemory;
  exports: KernelExports;
  heap: WasmHeap;
}

/** Wasm32 limit: 4 GiB. Shared memories must declare a maximum; only address space is reserved. */
const MAX_PAGES = 65536;

let cached: WasmKernels | null | undefined;

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The kernels, compiled once; null where WebAssembly SIMD or shared memory is missing (then
 * the plain TypeScript path runs). Compiling here is synchronous: fine in Node and workers; a
 * browser main thread refuses synchronous compiles of this size and falls back to TypeScript.
 */
export function loadWasmKernels(): WasmKernels | null {
  if (cached !== undefined) return cached;
  try {
    if (!wasmApi) throw new Error('no WebAssembly');
    const module = new wasmApi.Module(decodeBase64(KERNELS_WASM_BASE64));
    const memory = new wasmApi.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const instance = new wasmApi.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as KernelExports;
    cached = { module, memory, exports, heap: new WasmHeap(memory) };
  } catch {
    cached = null;
  }
  return cached;
}
