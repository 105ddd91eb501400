import type { WasmKernels } from './module.js';
import { withCall } from './operands.js';

// Batch norm is memory bound and cheap per element: the entries run on the calling thread
// (worker threads measured slower here: a handoff costs about what the second core saves), on
// the tensors where they lie in the kernels' memory.

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
  const [n, c, plane] = dims;
  withCall(k.heap, (w) => {
    (relu ? k.exports.bnReluTrain : k.exports.bnTrain)(
      w.input(inputs.x),
      w.input(inputs.gamma),
      w.input(inputs.beta),
      w.output(out.y),
      w.output(out.mean),
      w.output(out.variance),
      n,
      c,
      plane,
      eps,
    );
  });
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
  const [n, c, plane] = dims;
  withCall(k.heap, (w) => {
    const pdy = w.input(inputs.dy);
    const px = w.input(inputs.x);
    const pg = w.input(inputs.gamma);
    const pm = w.input(inputs.mean);
    const pv = w.input(inputs.variance);
    const [pdx, pdg, pdb] = [w.output(out.dx), w.output(out.dgamma), w.output(out.dbeta)];
    if (inputs.y) {
      const py = w.input(inputs.y);
      k.exports.bnReluTrainGrad(pdy, py, px, pg, pm, pv, pdx, pdg, pdb, n, c, plane, eps);
    } else {
      k.exports.bnTrainGrad(pdy, px, pg, pm, pv, pdx, pdg, pdb, n, c, plane, eps);
    }
  });
}
