import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import { useDirectPointwise, useSmallGroups } from '../conv/policy.js';
import { cpuKernelOptions } from '../options.js';
import { execute, threadsFor } from './exec.js';
import {
  FLAG_DIRECT,
  FLAG_NO_IMPLICIT,
  FLAG_SMALL,
  jobAt,
  Layout,
  Op,
  type OpCode,
  writeConvJob,
  writeConvJobs,
} from './layout.js';
import type { WasmKernels } from './module.js';

// Each entry copies its inputs into the shared memory, lets the threads claim (image, group)
// items, runs, and copies the result out. The copies cost a few percent of a 3×3 conv's time.

/** Items (image, group pairs) and threads for a conv. */
function plan(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
): { items: number; threads: number } {
  const kc = (s.cin / s.groups) * s.kh * s.kw;
  const items = s.n * s.groups;
  const macs = s.n * s.cout * s.outH * s.outW * kc;
  return { items, threads: Math.min(items, threadsFor(k, threads, macs)) };
}

/** Per-thread scratch bytes, as the kernels compute them from the shape (written to job 0). */
function scratchBytes(k: WasmKernels, s: Conv2DGeometry, op: OpCode, flags: number): number {
  writeConvJob(k.memory, jobAt(0), 0, 0, s, [0, 0, 0, 0], 0, flags);
  return k.exports.convScratchBytes(jobAt(0), op);
}

function flagsFor(s: Conv2DGeometry): number {
  if (useSmallGroups(s, true)) return FLAG_SMALL;
  const direct = useDirectPointwise(s) ? FLAG_DIRECT : 0;
  return direct | (cpuKernelOptions().implicitGemm ? 0 : FLAG_NO_IMPLICIT);
}

/** Forward conv on the wasm kernels (see conv2dForward). */
export function wasmConvForward(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
): void {
  const p = plan(k, threads, s);
  const flags = flagsFor(s);
  const L = new Layout();
  const px = L.alloc(x.length * 4);
  const pw = L.alloc(w.length * 4);
  const pb = bias ? L.alloc(bias.length * 4) : 0;
  const py = L.alloc(y.length * 4);
  const wsBytes = scratchBytes(k, s, Op.convForward, flags);
  const ws = Array.from({ length: p.threads }, () => L.alloc(wsBytes));
  const f = L.commit(k.memory);
  f.set(x, px >> 2);
  f.set(w, pw >> 2);
  if (bias) f.set(bias, pb >> 2);
  const jobs = writeConvJobs(k.memory, p.threads, p.items, s, flags, (t) => ({
    ptrs: [px, pw, pb, py],
    ws: ws[t]!,
  }));
  execute(k, Op.convForward, jobs);
  y.set(f.subarray(py >> 2, (py >> 2) + y.length));
}

/**
 * Partial sums of the filter gradient (outside the small-group kernels): the items are cut into
 * this many fixed chunks, whatever the thread count, each summed in order into its own partial,
 * and the partials added in chunk order. Threads claim whole chunks, so the bits depend neither
 * on timing nor on the thread count (nor on whether worker threads started at all). 16 keeps
 * up to 4 threads busy when the OS deschedules one; the partials cost 16 × dw floats.
 */
export const FILTER_CHUNKS = 16;

/**
 * Filter gradient on the wasm kernels: see FILTER_CHUNKS (small groups: smallConvFilter). Both
 * give the same bits for any thread count.
 */
export function wasmConvFilter(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
): void {
  const p = plan(k, threads, s);
  const flags = flagsFor(s);
  if (flags & FLAG_SMALL) {
    smallConvFilter(k, p, s, x, dy, dw);
    return;
  }
  const chunks = Math.min(p.items, FILTER_CHUNKS);
  const t = Math.min(p.threads, chunks);
  const L = new Layout();
  const px = L.alloc(x.length * 4);
  const pdy = L.alloc(dy.length * 4);
  const wsBytes = scratchBytes(k, s, Op.convFilter, flags);
  const partBytes = Math.ceil((dw.length * 4) / 64) * 64;
  const parts = L.alloc(chunks * partBytes);
  const pdw = L.alloc(partBytes);
  const ws = Array.from({ length: t }, () => L.alloc(wsBytes));
  const f = L.commit(k.memory);
  f.set(x, px >> 2);
  f.set(dy, pdy >> 2);
  const jobs = writeConvJobs(
    k.memory,
    t,
    chunks,
    s,
    flags,
    (i) => ({ ptrs: [px, pdy, 0, parts], ws: ws[i]! }),
    [chunks, partBytes],
  );
  execute(k, Op.convFilter, jobs);
  k.exports.filterReduce(parts, 1, chunks, partBytes / 4, pdw);
  dw.set(f.subarray(pdw >> 2, (pdw >> 2) + dw.length));
}

/**
 * Filter gradient on the direct small-group kernels: threads claim items as they go (no thread
 * waits on a descheduled one), each item writes its own slot, and filterReduce sums the slots
 * over images in a fixed order, so the bits depend neither on timing nor on the thread count.
 */
function smallConvFilter(
  k: WasmKernels,
  p: { items: number; threads: number },
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
): void {
  const L = new Layout();
  const px = L.alloc(x.length * 4);
  const pdy = L.alloc(dy.length * 4);
  const slots = L.alloc(s.n * dw.length * 4);
  const pdw = L.alloc(dw.length * 4);
  const wsBytes = scratchBytes(k, s, Op.convFilter, FLAG_SMALL);
  const ws = Array.from({ length: p.threads }, () => L.alloc(wsBytes));
  const f = L.commit(k.memory);
  f.set(x, px >> 2);
  f.set(dy, pdy >> 2);
  const jobs = writeConvJobs(k.memory, p.threads, p.items, s, FLAG_SMALL, (t) => ({
    ptrs: [px, pdy, 0, slots],
    ws: ws[t]!,
  }));
  execute(k, Op.convFilter, jobs);
  k.exports.filterReduce(slots, s.groups, s.n, dw.length / s.groups, pdw);
  dw.set(f.subarray(pdw >> 2, (pdw >> 2) + dw.length));
}

/**
 * Input gradient on the wasm kernels (any stride): the direct small-group kernel, else GEMM +
 * col2im.
 */
export function wasmConvInput(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
): void {
  const p = plan(k, threads, s);
  const L = new Layout();
  const pdy = L.alloc(dy.length * 4);
  const pw = L.alloc(w.length * 4);
  const pdx = L.alloc(dx.length * 4);
  const flags = useSmallGroups(s, true) ? FLAG_SMALL : 0;
  const wsBytes = scratchBytes(k, s, Op.convInput, flags);
  const ws = Array.from({ length: p.threads }, () => L.alloc(wsBytes));
  const f = L.commit(k.memory);
  f.set(dy, pdy >> 2);
  f.set(w, pw >> 2);
  const jobs = writeConvJobs(k.memory, p.threads, p.items, s, flags, (t) => ({
    ptrs: [pdy, pw, 0, pdx],
    ws: ws[t]!,
  }));
  execute(k, Op.convInput, jobs);
  dx.set(f.subarray(pdx >> 2, (pdx >> 2) + dx.length));
}
