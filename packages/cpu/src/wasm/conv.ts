import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import { useDirectPointwise, useSmallGroups } from '../conv/policy.js';
import { cpuKernelOptions } from '../options.js';
import { execute, threadsFor } from './exec.js';
import {
  FLAG_DIRECT,
  FLAG_NO_IMPLICIT,
  FLAG_SMALL,
  jobAt,
  Op,
  type OpCode,
  writeConvJob,
  writeConvJobs,
} from './layout.js';
import type { WasmKernels } from './module.js';
import { type WasmCall, withCall } from './operands.js';

// Each entry passes its operands in place (they are tensors in the kernels' memory, or copies:
// operands.ts), lets the threads claim (image, group) items, and runs.

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

/** One scratch block of `bytes` per thread. */
function perThread(c: WasmCall, threads: number, bytes: number): number[] {
  return Array.from({ length: threads }, () => c.scratch(bytes));
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
  withCall(k.heap, (c) => {
    const ptrs = [c.input(x), c.input(w), bias ? c.input(bias) : 0, c.output(y)] as const;
    const ws = perThread(c, p.threads, scratchBytes(k, s, Op.convForward, flags));
    const jobs = writeConvJobs(k.memory, p.threads, p.items, s, flags, (t) => ({
      ptrs,
      ws: ws[t]!,
    }));
    execute(k, Op.convForward, jobs);
  });
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
 * Filter gradient on the wasm kernels: see FILTER_CHUNKS; the small-group kernels write one
 * slot per item and sum the slots over images in order. Both give the same bits for any thread
 * count.
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
  const small = (flags & FLAG_SMALL) !== 0;
  // Small groups: one slot per item (threads claim items); else one partial per chunk.
  const parts = small ? p.items : Math.min(p.items, FILTER_CHUNKS);
  const t = Math.min(p.threads, parts);
  withCall(k.heap, (c) => {
    const partBytes = dw.length * 4;
    const slots = c.scratch(parts * partBytes);
    const ws = perThread(c, t, scratchBytes(k, s, Op.convFilter, flags));
    const ptrs = [c.input(x), c.input(dy), 0, slots] as const;
    const extra = small ? [] : [parts, partBytes];
    const jobs = writeConvJobs(k.memory, t, parts, s, flags, (i) => ({ ptrs, ws: ws[i]! }), extra);
    execute(k, Op.convFilter, jobs);
    const out = c.output(dw);
    if (small) k.exports.filterReduce(slots, s.groups, s.n, dw.length / s.groups, out);
    else k.exports.filterReduce(slots, 1, parts, dw.length, out);
  });
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
  const flags = useSmallGroups(s, true) ? FLAG_SMALL : 0;
  withCall(k.heap, (c) => {
    const ptrs = [c.input(dy), c.input(w), 0, c.output(dx)] as const;
    const ws = perThread(c, p.threads, scratchBytes(k, s, Op.convInput, flags));
    const jobs = writeConvJobs(k.memory, p.threads, p.items, s, flags, (t) => ({
      ptrs,
      ws: ws[t]!,
    }));
    execute(k, Op.convInput, jobs);
  });
}
