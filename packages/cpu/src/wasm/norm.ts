import { Layout } from './layout.js';
import type { WasmKernels } from './module.js';

// Batch norm is memory bound and cheap per element: the entries copy the tensors into the shared
// memory, run on the calling thread (worker threads measured slower here: a handoff costs about
// what the second core saves), and copy the results out. The copies take about
// as long as the kernels themselves, together far less than the JavaScript loops they replace.

/** Copies `inputs` into fresh blocks of the shared memory after blocks for `outputs` floats. */
function place(k: WasmKernels, inputs: readonly Float32Array[], outputs: readonly number[]) {
  const L = new Layout();
  const at = inputs.map((a) => L.alloc(a.length * 4));
  const out = outputs.map((len) => L.alloc(len * 4));
  const f = L.commit(k.memory);
  for (const [i, a] of inputs.entries()) f.set(a, at[i]! >> 2);
  return { f, at, out };
}

/** Copies each output block back into its array. */
function copyOut(f: Float32Array, from: readonly number[], to: readonly Float32Array[]): void {
  for (const [i, a] of to.entries()) a.set(f.subarray(from[i]! >> 2, (from[i]! >> 2) + a.length));
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
  const { x, gamma, beta } = inputs;
  const [n, c, plane] = dims;
  const p = place(k, [x, gamma, beta], [x.length, c, c]);
  const [px, pg, pb] = p.at as [number, number, number];
  const [py, pm, pv] = p.out as [number, number, number];
  (relu ? k.exports.bnReluTrain : k.exports.bnTrain)(px, pg, pb, py, pm, pv, n, c, plane, eps);
  copyOut(p.f, p.out, [out.y, out.mean, out.variance]);
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
  const { dy, y, x, gamma, mean, variance } = inputs;
  const [n, c, plane] = dims;
  const p = place(k, [dy, x, gamma, mean, variance, ...(y ? [y] : [])], [x.length, c, c]);
  const [pdy, px, pg, pm, pv, py] = p.at as [number, number, number, number, number, number];
  const [pdx, pdg, pdb] = p.out as [number, number, number];
  if (y) k.exports.bnReluTrainGrad(pdy, py, px, pg, pm, pv, pdx, pdg, pdb, n, c, plane, eps);
  else k.exports.bnTrainGrad(pdy, px, pg, pm, pv, pdx, pdg, pdb, n, c, plane, eps);
  copyOut(p.f, p.out, [out.dx, out.dgamma, out.dbeta]);
}
