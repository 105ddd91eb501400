import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import { reluOfBits } from '../kernels/elementwise.js';
import { cpuKernelOptions } from '../options.js';
import { activeWasm } from '../wasm/active.js';
import {
  type Shuffles,
  wasmConvFilter,
  wasmConvForward,
  wasmConvInput,
  wasmFoldsShuffles,
} from '../wasm/conv.js';
import { useDirectInput, usePointwiseKernels, useSmallGroups } from './policy.js';
import { Scratch } from './scratch.js';
import { backpropInputAsForward, flipSwapFilter } from './transform.js';
import { convFilterTs, convForwardTs, convInputTs } from './ts/conv.js';
import { smallFilterTs, smallForwardTs, smallInputTs } from './ts/small.js';

export type { Shuffles } from '../wasm/conv.js';

const flippedFilter = new Scratch();

/**
 * Whether the conv2d* functions here run conv `s` with IGC interleaves folded in (their `sh`
 * argument): the wasm pointwise kernels do, reading and writing planes through tables. Otherwise
 * the caller moves the planes and passes no shuffles.
 */
export function foldsShuffles(s: Conv2DGeometry): boolean {
  return activeWasm() !== null && wasmFoldsShuffles(s);
}

/**
 * y[n, co, oy, ox] = bias[co] + Σ x[n, g·cinG + ci, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw] ·
 * w[co, ci, ky, kx], with g = ⌊co / coutG⌋, then max(·, 0) when `relu`. NCHW x, OIHW w
 * [cout, cin/groups, kh, kw]; y is overwritten. Runs an implicit or im2col GEMM, or direct
 * kernels for groups of few channels (policy.ts), on WebAssembly SIMD across worker threads
 * where available (the ReLU in the kernels, while the output is in registers or cache), else in
 * plain TypeScript.
 */
export function conv2dForward(
  s: Conv2DGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
  sh?: Shuffles,
  relu = false,
): void {
  if (y.length === 0) return;
  const k = activeWasm();
  if (k) {
    wasmConvForward(k, cpuKernelOptions().threads, s, x, w, bias, y, sh, relu);
    return;
  }
  if (useSmallGroups(s, false)) smallForwardTs(s, x, w, bias, y);
  else convForwardTs(s, x, w, bias, y);
  if (relu) {
    const bits = new Int32Array(y.buffer, y.byteOffset, y.length);
    for (let i = 0; i < bits.length; i++) bits[i] = reluOfBits(bits[i]!);
  }
}

/**
 * dx for dy; dx is overwritten. Small groups, and on wasm strided convs of up to
 * STRIDED_INPUT_MAX_PRODUCT channel pairs per group, run the direct transposed-conv kernels. Otherwise stride 1 runs as a forward conv with the flipped filter (no scatter), other
 * strides as GEMM into columns, then col2im.
 */
export function conv2dBackpropInput(
  s: Conv2DGeometry,
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
  sh?: Shuffles,
): void {
  if (dx.length === 0) return;
  const wasm = activeWasm();
  if (wasm && usePointwiseKernels(s)) {
    wasmConvInput(wasm, cpuKernelOptions().threads, s, dy, w, dx, sh);
    return;
  }
  if (useDirectInput(s, wasm !== null)) {
    if (wasm) wasmConvInput(wasm, cpuKernelOptions().threads, s, dy, w, dx);
    else smallInputTs(s, dy, w, dx);
    return;
  }
  const t = backpropInputAsForward(s);
  if (t) {
    const wf = flippedFilter.get(w.length).subarray(0, w.length);
    flipSwapFilter(s, w, wf);
    conv2dForward(t, dy, wf, undefined, dx);
    return;
  }
  const k = activeWasm();
  if (k) wasmConvInput(k, cpuKernelOptions().threads, s, dy, w, dx);
  else convInputTs(s, dy, w, dx);
}

/**
 * dw for x and dy; dw is overwritten. A GEMM per (image, group) reducing over pixels, or the
 * direct kernels for small groups; threads sum fixed ranges, so the result is reproducible.
 */
export function conv2dBackpropFilter(
  s: Conv2DGeometry,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  sh?: Shuffles,
): void {
  if (dw.length === 0) return;
  const k = activeWasm();
  if (k) wasmConvFilter(k, cpuKernelOptions().threads, s, x, dy, dw, sh);
  else if (useSmallGroups(s, false)) smallFilterTs(s, x, dy, dw);
  else convFilterTs(s, x, dy, dw);
}
