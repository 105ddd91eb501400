import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import type { WasmMemory } from './api.js';

/**
 * Job blocks (one per thread) live below the heap (heap.ts: HEAP_BASE); offset 0 stays unused
 * so that 0 means "none".
 */
export const JOB_BASE = 1024;
/** The shared item counter of threaded conv jobs. */
const COUNTER = 512;
const JOB_BYTES = 128;

/** Kernel entry points, in the order the worker source lists them. */
export const Op = { convForward: 0, convFilter: 1, convInput: 2, sgemm: 3, norm: 4 } as const;
/** One of the Op values. */
export type OpCode = (typeof Op)[keyof typeof Op];

/** Flag slot bit: forbid the implicit-GEMM stride-1 kernels (im2col instead). */
export const FLAG_NO_IMPLICIT = 2;
/** Flag slot bit: use the direct small-group kernels (see policy.ts); overrides the others. */
export const FLAG_SMALL = 4;
/** Flag slot bit: use the 1×1 kernels with channel tables (slots 27–28); overrides the others. */
export const FLAG_POINTWISE = 8;
/** Flag slot bit: forward conv by Winograd F(2×2, 3×3), transformed filters at slot 27. */
export const FLAG_WINOGRAD = 16;
/** Flag slot bit: max(·, 0) on the forward conv's output (a FusedConv2D epilogue). */
export const FLAG_RELU = 32;

/** The job block of thread t. */
export function jobAt(t: number): number {
  return JOB_BASE + t * JOB_BYTES;
}

/**
 * Writes a conv job block (slot numbers as in assembly/index.as). With a `counter` offset the
 * threads claim items of [i0, i1) from that shared counter instead of taking the range alone.
 */
export function writeConvJob(
  memory: WasmMemory,
  job: number,
  i0: number,
  i1: number,
  s: Conv2DGeometry,
  ptrs: readonly [number, number, number, number],
  ws: number,
  flags: number,
  counter = 0,
  extra: readonly number[] = [],
): void {
  const shape = [s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.outH, s.outW, s.strideH, s.strideW];
  const rest = [s.padTop, s.padLeft, s.dilationH, s.dilationW, s.groups];
  new Int32Array(memory.buffer, job, 25 + extra.length).set([
    i0,
    i1,
    ...shape,
    ...rest,
    ...ptrs,
    ws,
    flags,
    counter,
    s.n,
    ...extra,
  ]);
}

/** Pointers (slots 17–20) and scratch of one thread's job. */
export interface ThreadArgs {
  ptrs: readonly [number, number, number, number];
  ws: number;
}

/**
 * Writes one job block per thread for items [0, items): one thread takes them all; several
 * share a counter (reset here) and claim items one at a time. Which thread takes which item
 * then depends on timing, so every item must be computed whole by whichever thread claims it
 * (no item's result may depend on another's). `extra` fills slots 25 on. Returns the job offsets.
 */
export function writeConvJobs(
  memory: WasmMemory,
  threads: number,
  items: number,
  s: Conv2DGeometry,
  flags: number,
  perThread: (t: number) => ThreadArgs,
  extra: readonly number[] = [],
): number[] {
  const counter = threads > 1 ? COUNTER : 0;
  if (counter) new Int32Array(memory.buffer, COUNTER, 1)[0] = 0;
  const jobs: number[] = [];
  for (let t = 0; t < threads; t++) {
    const a = perThread(t);
    writeConvJob(memory, jobAt(t), 0, items, s, a.ptrs, a.ws, flags, counter, extra);
    jobs.push(jobAt(t));
  }
  return jobs;
}

/** Splits [0, items) into at most `parts` contiguous, nearly equal ranges. */
export function splitRange(items: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  const t = Math.max(1, Math.min(parts, items));
  for (let i = 0; i < t; i++)
    out.push([Math.floor((items * i) / t), Math.floor((items * (i + 1)) / t)]);
  return out;
}

/**
 * Writes one batch-norm job block per scratch block, i.e. per thread (slots as normJob in
 * assembly/index.as): the threads claim blocks of `block` channels from a shared counter (reset
 * here) when there are several. Returns the job offsets.
 */
export function writeNormJobs(
  memory: WasmMemory,
  kind: number,
  dims: readonly [number, number, number],
  ptrs: readonly number[],
  eps: number,
  block: number,
  scratch: readonly number[],
): number[] {
  const counter = scratch.length > 1 ? COUNTER : 0;
  if (counter) new Int32Array(memory.buffer, COUNTER, 1)[0] = 0;
  const [n, c, plane] = dims;
  const slots = [kind, 0, c, counter, n, c, plane, ...ptrs];
  while (slots.length < 16) slots.push(0);
  return scratch.map((acc, t) => {
    new Int32Array(memory.buffer, jobAt(t), 16).set(slots);
    new Float64Array(memory.buffer, jobAt(t) + 64, 1)[0] = eps;
    new Int32Array(memory.buffer, jobAt(t) + 72, 2).set([acc, block]);
    return jobAt(t);
  });
}
