import { cpuKernelOptions } from '../options.js';
import { execute, threadsFor } from './exec.js';
import { Op, writeNormJobs } from './layout.js';
import type { WasmKernels } from './module.js';
import { type WasmCall, withCall } from './operands.js';

// Batch norm is memory bound: each channel's sums and its elementwise pass run while its planes
// are in cache, on the tensors where they lie in the kernels' memory. Large tensors split their
// channels over the threads (claimed one at a time; a channel is computed whole by one thread,
// so the split never changes the bits).

/** Runs batch-norm job `kind` (assembly/index.as: normJob) over the channels of [n, c, plane]. */
function runNorm(
  k: WasmKernels,
  kind: number,
  dims: readonly [number, number, number],
  eps: number,
  operands: (c: WasmCall) => number[],
): void {
  const [n, c, plane] = dims;
  // About 4 flops per element and pass, counted as multiply-adds against parallelThreshold.
  const threads = Math.min(c, threadsFor(k, cpuKernelOptions().threads, n * c * plane * 4));
  withCall(k.heap, (w) => {
    const jobs = writeNormJobs(k.memory, threads, kind, dims, operands(w), eps);
    execute(k, Op.norm, jobs);
  });
}

/**
 * Training batch norm of x [n, c, plane] on the wasm kernels: y, and each channel's batch mean
 * and biased variance; with `relu`, y is clamped in the same pass (bnReluTrain).
 */
export function wasmBatchNormTrain(
  k: WasmKernels,
  dims: readonly [number, number, number],
  eps: number,
  inputs: { x: Float32Array; gamma: Float32Array; beta: Float32Array },
  out: { y: Float32Array; mean: Float32Array; variance: Float32Array },
  relu = false,
): void {
  runNorm(k, relu ? 1 : 0, dims, eps, (w) => [
    w.input(inputs.x),
    w.input(inputs.gamma),
    w.input(inputs.beta),
    w.output(out.y),
    w.output(out.mean),
    w.output(out.variance),
  ]);
}

/**
 * Gradient of wasmBatchNormTrain for x, γ and β, from dy and the saved mean and variance; given
 * the fused forward's output `y`, of the ReLU variant (dy masked by y > 0: bnReluTrainGrad).
 */
export function wasmBatchNormTrainGrad(
  k: WasmKernels,
  dims: readonly [number, number, number],
  eps: number,
  inputs: {
    dy: Float32Array;
    y?: Float32Array;
    x: Float32Array;
    gamma: Float32Array;
    mean: Float32Array;
    variance: Float32Array;
  },
  out: { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array },
): void {
  const { y } = inputs;
  runNorm(k, y ? 3 : 2, dims, eps, (w) => [
    w.input(inputs.dy),
    ...(y ? [w.input(y)] : []),
    w.input(inputs.x),
    w.input(inputs.gamma),
    w.input(inputs.mean),
    w.input(inputs.variance),
    w.output(out.dx),
    w.output(out.dgamma),
    w.output(out.dbeta),
  ]);
}
