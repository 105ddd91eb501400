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
  writeStaticConvJobs,
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
 * Filter gradient on the wasm kernels; each thread sums a fixed range of items into its own
 * partial and the partials are added in thread order, so the result does not depend on timing
 * (small groups: see smallConvFilter).
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
  const L = new Layout();
  const px = L.alloc(x.length * 4);
  const pdy = L.alloc(dy.length * 4);
  const wsBytes = scratchBytes(k, s, Op.convFilter, flags);
  // The partial of thread t sits at the start of its scratch block, before the kernel scratch.
  const partBytes = Math.ceil((dw.length * 4) / 64) * 64;
  const blocks = Array.from({ length: p.threads }, () => L.alloc(partBytes + wsBytes));
  const f = L.commit(k.memory);
  f.set(x, px >> 2);
  f.set(dy, pdy >> 2);
  const jobs = writeStaticConvJobs(k.memory, p.threads, p.items, s, flags, (t) => ({
    ptrs: [px, pdy, 0, blocks[t]!],
    ws: blocks[t]! + partBytes,
  }));
  execute(k, Op.convFilter, jobs);
  const p0 = blocks[0]! >> 2;
  for (let t = 1; t < blocks.length; t++) {
    const pt = blocks[t]! >> 2;
    for (let i = 0; i < dw.length; i++) f[p0 + i] = f[p0 + i]! + f[pt + i]!;
  }
  dw.set(f.subarray(p0, p0 + dw.length));
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
