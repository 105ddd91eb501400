import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import {
  useDirectInput,
  usePointwiseKernels,
  useSmallGroups,
  useWinograd,
  useWinogradFilter,
} from '../conv/policy.js';
import { cpuKernelOptions } from '../options.js';
import { execute, threadsFor } from './exec.js';
import {
  FLAG_NO_IMPLICIT,
  FLAG_POINTWISE,
  FLAG_RELU,
  FLAG_SMALL,
  FLAG_WINOGRAD,
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

/**
 * IGC interleaves folded into a conv: it convolves channelShuffle(x, inShuffle) and returns
 * channelShuffle(·, outShuffle) (1: none). Only the pointwise kernels take them.
 */
export interface Shuffles {
  inShuffle: number;
  outShuffle: number;
}

const NO_SHUFFLES: Shuffles = { inShuffle: 1, outShuffle: 1 };

/**
 * The pointwise kernels' channel tables in one scratch block: at [0, cin) the byte offset, from
 * its image's first plane, of the plane holding input channel j of the shuffled input; at
 * [cin, cin + cout) that of the plane output channel i lands in. Returns both offsets.
 */
function channelTables(c: WasmCall, s: Conv2DGeometry, sh: Shuffles): [number, number] {
  const p = c.scratch((s.cin + s.cout) * 4);
  const t = c.heap.i32(p, s.cin + s.cout);
  const plane = s.h * s.w * 4;
  const si = sh.inShuffle;
  const perIn = s.cin / si;
  // channelShuffle(x, s)[j] = x[(j mod s)·(C/s) + ⌊j/s⌋].
  for (let j = 0; j < s.cin; j++) t[j] = ((j % si) * perIn + Math.floor(j / si)) * plane;
  // channelShuffle(z, s) puts z[i] at (i mod (C/s))·s + ⌊i / (C/s)⌋.
  const so = sh.outShuffle;
  const perOut = s.cout / so;
  for (let i = 0; i < s.cout; i++)
    t[s.cin + i] = ((i % perOut) * so + Math.floor(i / perOut)) * plane;
  return [p, p + s.cin * 4];
}

/** The kernels of conv `s` (forward: the forward conv's, see useSmallGroups). */
function flagsFor(s: Conv2DGeometry, forward = false): number {
  if (usePointwiseKernels(s)) return FLAG_POINTWISE;
  if (useSmallGroups(s, true, forward)) return FLAG_SMALL;
  return cpuKernelOptions().implicitGemm ? 0 : FLAG_NO_IMPLICIT;
}

/** Slots 25–28 of a job with these flags: the pointwise kernels' channel tables at 27–28. */
function tableSlots(
  c: WasmCall,
  s: Conv2DGeometry,
  flags: number,
  sh: Shuffles,
  filterSlots: readonly number[] = [0, 0],
): number[] {
  if (flags & FLAG_POINTWISE) return [...filterSlots, ...channelTables(c, s, sh)];
  if (sh.inShuffle !== 1 || sh.outShuffle !== 1)
    throw new Error('cpu: only the pointwise kernels fold channel shuffles');
  return [...filterSlots];
}

/** Whether the wasm kernels fold the shuffles of conv `s` themselves (see Shuffles). */
export function wasmFoldsShuffles(s: Conv2DGeometry): boolean {
  return usePointwiseKernels(s);
}

/**
 * Runs conv entry `op` over every (image, group) item, the threads claiming items from a shared
 * counter (each item is computed whole by one thread, so the split does not change the bits).
 */
function runItems(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  op: OpCode,
  flags: number,
  sh: Shuffles,
  operands: (c: WasmCall) => readonly [number, number, number, number],
  slots: (c: WasmCall) => number[] = (c) => tableSlots(c, s, flags, sh),
): void {
  const p = plan(k, threads, s);
  withCall(k.heap, (c) => {
    const ptrs = operands(c);
    const ws = perThread(c, p.threads, scratchBytes(k, s, op, flags));
    const extra = slots(c);
    const jobs = writeConvJobs(
      k.memory,
      p.threads,
      p.items,
      s,
      flags,
      (t) => ({ ptrs, ws: ws[t]! }),
      extra,
    );
    execute(k, op, jobs);
  });
}

/** Forward conv on the wasm kernels (see conv2dForward); `relu` applies max(·, 0) to y. */
export function wasmConvForward(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
  sh: Shuffles = NO_SHUFFLES,
  relu = false,
): void {
  const reluFlag = relu ? FLAG_RELU : 0;
  const operands = (c: WasmCall) =>
    [c.input(x), c.input(w), bias ? c.input(bias) : 0, c.output(y)] as const;
  if (useWinograd(s)) {
    // The filter transform runs once here; the threads share it (slot 27).
    const winogradSlots = (c: WasmCall): number[] => {
      const cinG = s.cin / s.groups;
      const coutG = s.cout / s.groups;
      const u = c.scratch(16 * s.cout * cinG * 4);
      k.exports.winogradFilter(c.input(w), s.groups, coutG, cinG, u);
      return [0, 0, u];
    };
    const flags = FLAG_WINOGRAD | reluFlag;
    runItems(k, threads, s, Op.convForward, flags, sh, operands, winogradSlots);
    return;
  }
  runItems(k, threads, s, Op.convForward, flagsFor(s, true) | reluFlag, sh, operands);
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
 * slot per item and sum the slots over images in order; Winograd's (useWinogradFilter) chunk
 * partials hold the transformed gradient [g][ξ][co][ci], added in chunk order and transformed
 * back by winogradFilterReduce. All give the same bits for any thread count.
 */
export function wasmConvFilter(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  sh: Shuffles = NO_SHUFFLES,
): void {
  const p = plan(k, threads, s);
  const winograd = useWinogradFilter(s);
  const flags = winograd ? FLAG_WINOGRAD : flagsFor(s);
  const small = (flags & FLAG_SMALL) !== 0;
  // Small groups: one slot per item (threads claim items); else one partial per chunk.
  const parts = small ? p.items : Math.min(p.items, FILTER_CHUNKS);
  const t = Math.min(p.threads, parts);
  withCall(k.heap, (c) => {
    const cinG = s.cin / s.groups;
    // Winograd's partials: 16 transformed values per channel pair instead of 9 taps.
    const partBytes = winograd ? 16 * s.cout * cinG * 4 : dw.length * 4;
    const slots = c.scratch(parts * partBytes);
    const ws = perThread(c, t, scratchBytes(k, s, Op.convFilter, flags));
    const ptrs = [c.input(x), c.input(dy), 0, slots] as const;
    const extra = small
      ? tableSlots(c, s, flags, sh, [])
      : tableSlots(c, s, flags, sh, [parts, partBytes]);
    const jobs = writeConvJobs(k.memory, t, parts, s, flags, (i) => ({ ptrs, ws: ws[i]! }), extra);
    execute(k, Op.convFilter, jobs);
    const out = c.output(dw);
    if (winograd) {
      k.exports.winogradFilterReduce(
        slots,
        parts,
        partBytes,
        s.groups,
        s.cout / s.groups,
        cinG,
        out,
      );
    } else if (small) k.exports.filterReduce(slots, s.groups, s.n, dw.length / s.groups, out);
    else k.exports.filterReduce(slots, 1, parts, dw.length, out);
  });
}

/**
 * Input gradient on the wasm kernels (any stride): the pointwise or direct transposed-conv
 * kernels (useDirectInput), else GEMM + col2im.
 */
export function wasmConvInput(
  k: WasmKernels,
  threads: number,
  s: Conv2DGeometry,
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
  sh: Shuffles = NO_SHUFFLES,
): void {
  const flags = usePointwiseKernels(s) ? FLAG_POINTWISE : useDirectInput(s, true) ? FLAG_SMALL : 0;
  runItems(k, threads, s, Op.convInput, flags, sh, (c) => [
    c.input(dy),
    c.input(w),
    0,
    c.output(dx),
  ]);
}
