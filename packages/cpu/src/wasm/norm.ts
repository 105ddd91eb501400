import { cpuKernelOptions } from '../options.js';
import { execute, threadsFor } from './exec.js';
import { Op, writeNormJobs } from './layout.js';
import type { WasmKernels } from './module.js';
import { type WasmCall, withCall } from './operands.js';

// Batch norm is memory bound. Each thread claims one block of consecutive channels, its share:
// in NCHW those channels' planes of one image lie end to end, so the block is read image by
// image in long runs, where one channel at a time read a plane (4 KiB at 32×32) per image and
// the prefetcher started over at each. Measured on IGC-L24M2's 48-channel 32×32 maps (batch 64,
// 2 threads, inputs out of cache): 1.3× less time forward and 1.5× less for the gradient than
// channel by channel; blocks of a half or a quarter of the share were as fast for the gradient
// and 1.2–1.6× slower forward (32–96 channels). A
// channel is computed whole by one thread, in the same order whatever the block, so the split
// never changes the bits.

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
  const block = Math.ceil(c / threads);
  withCall(k.heap, (w) => {
    const bytes = k.exports.normScratchBytes(block);
    const scratch = Array.from({ length: threads }, () => w.scratch(bytes));
    const jobs = writeNormJobs(k.memory, kind, dims, operands(w), eps, block, scratch);
    execute(k, Op.norm, jobs);
  });
}

/**
 * Training batch norm of x [n, c, plane] on the wasm kernels: y, and each channel's batch mean
 * and biased variance; with `relu`, y is clamped in the same pass.
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
 * the fused forward's output `y`, of the ReLU variant (dy masked by y > 0).
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
