import type { KernelArgs, KernelOutputs, KernelTable } from '@igcnet/tensor/backend';
import { allocF32, f32 } from '../storage.js';
import { activeWasm } from '../wasm/active.js';
import { wasmBatchNormTrain, wasmBatchNormTrainGrad } from '../wasm/norm.js';

/** [N, C, plane] view of an [N, C] or [N, C, H, W] tensor. */
function dims(shape: readonly number[]): [number, number, number] {
  const plane = shape.length === 4 ? shape[2]! * shape[3]! : 1;
  return [shape[0]!, shape[1]!, plane];
}

/** ReLU of a float32 value as the Relu kernel computes it: NaN kept, negatives and −0 to +0. */
function reluOf(z: number): number {
  return z > 0 || Number.isNaN(z) ? z : 0;
}

/**
 * BatchNormTrain, and with `relu` BatchNormReluTrain: y = relu?(bn(x)). The fused variant clamps
 * the float32 value the unfused one stores, so its y is Relu's of that y, bit for bit.
 */
function batchNormTrain(
  { inputs: { x, gamma, beta }, attrs: { eps } }: KernelArgs<'BatchNormTrain'>,
  relu: boolean,
): KernelOutputs<'BatchNormTrain'> {
  const [n, c, plane] = dims(x.shape);
  const xv = f32(x);
  const gv = f32(gamma);
  const bv = f32(beta);
  const y = allocF32(x.shape, false);
  const mean = allocF32([c]);
  const variance = allocF32([c]);
  // The wasm kernels (2–3× faster) sum in another order, about each channel's first value, so
  // the two paths agree to rounding, not bit for bit; each is deterministic. Empty tensors stay
  // here: the wasm kernel reads each channel's first value.
  const k = xv.length > 0 ? activeWasm() : null;
  if (k) {
    const out = { y: y.values, mean: mean.values, variance: variance.values };
    wasmBatchNormTrain(k, [n, c, plane], eps, { x: xv, gamma: gv, beta: bv }, out, relu);
    return [y.info, mean.info, variance.info] as const;
  }
  const count = n * plane;
  // Per-channel sums over the batch in one pass; float64 sums of squares are exact enough for
  // activations (relative error ~1e-16 · count), and a second pass over 16 MB costs 5–10 ms.
  const sums = new Float64Array(c);
  const sqs = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const o = (b * c + ch) * plane;
      let s = 0;
      let q = 0;
      for (let i = 0; i < plane; i++) {
        const v = xv[o + i]!;
        s += v;
        q += v * v;
      }
      sums[ch] = sums[ch]! + s;
      sqs[ch] = sqs[ch]! + q;
    }
  }
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const m = sums[ch]! / count;
    const v = Math.max(sqs[ch]! / count - m * m, 0);
    mean.values[ch] = m;
    variance.values[ch] = v;
    scale[ch] = gv[ch]! / Math.sqrt(v + eps);
    shift[ch] = bv[ch]! - m * scale[ch]!;
  }
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const o = (b * c + ch) * plane;
      const k = scale[ch]!;
      const d = shift[ch]!;
      if (relu)
        for (let i = 0; i < plane; i++) y.values[o + i] = reluOf(Math.fround(xv[o + i]! * k + d));
      else for (let i = 0; i < plane; i++) y.values[o + i] = xv[o + i]! * k + d;
    }
  }
  return [y.info, mean.info, variance.info] as const;
}

/**
 * BatchNormTrainGrad, and given the fused forward's output `y` BatchNormReluTrainGrad: dy is
 * read as 0 where y ≤ 0 (masked, never multiplied, so a non-finite dy there cannot leak in).
 */
function batchNormTrainGrad(
  { inputs: { dy, x, gamma, mean, variance }, attrs: { eps } }: KernelArgs<'BatchNormTrainGrad'>,
  y: KernelArgs<'BatchNormReluTrainGrad'>['inputs']['y'] | undefined,
): KernelOutputs<'BatchNormTrainGrad'> {
  const [n, c, plane] = dims(x.shape);
  const xv = f32(x);
  const dv = f32(dy);
  const gv = f32(gamma);
  const mv = f32(mean);
  const vv = f32(variance);
  const dx = allocF32(x.shape, false);
  const dgamma = allocF32([c]);
  const dbeta = allocF32([c]);
  const yv = y ? f32(y) : undefined;
  const k = xv.length > 0 ? activeWasm() : null;
  if (k) {
    const inputs = { dy: dv, x: xv, gamma: gv, mean: mv, variance: vv };
    const out = { dx: dx.values, dgamma: dgamma.values, dbeta: dbeta.values };
    wasmBatchNormTrainGrad(k, [n, c, plane], eps, yv ? { ...inputs, y: yv } : inputs, out);
    return [dx.info, dgamma.info, dbeta.info] as const;
  }
  const dyAt = yv ? (i: number) => (yv[i]! > 0 ? dv[i]! : 0) : (i: number) => dv[i]!;
  const count = n * plane;
  for (let ch = 0; ch < c; ch++) {
    const m = mv[ch]!;
    const invStd = 1 / Math.sqrt(vv[ch]! + eps);
    // Σdy and Σdy·x̂, in float64.
    let sdy = 0;
    let sdyx = 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * plane;
      for (let i = 0; i < plane; i++) {
        const d = dyAt(o + i);
        sdy += d;
        sdyx += d * (xv[o + i]! - m);
      }
    }
    sdyx *= invStd;
    dgamma.values[ch] = sdyx;
    dbeta.values[ch] = sdy;
    // dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂))
    const k = gv[ch]! * invStd;
    const meanDy = sdy / count;
    const meanDyx = sdyx / count;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * plane;
      for (let i = 0; i < plane; i++) {
        const xhat = (xv[o + i]! - m) * invStd;
        dx.values[o + i] = k * (dyAt(o + i) - meanDy - xhat * meanDyx);
      }
    }
  }
  return [dx.info, dgamma.info, dbeta.info] as const;
}

/** Batch normalisation kernels of the CPU backend. */
export const normKernels: KernelTable = {
  BatchNormTrain: (args) => batchNormTrain(args, false),
  // Spread: the argument types name another kernel, with the same inputs and attributes.
  BatchNormReluTrain: ({ inputs, attrs, backend }) =>
    batchNormTrain({ inputs, attrs, backend }, true),
  BatchNormTrainGrad: (args) => batchNormTrainGrad(args, undefined),
  BatchNormReluTrainGrad: ({ inputs, attrs, backend }) =>
    batchNormTrainGrad({ inputs, attrs, backend }, inputs.y),

  BatchNormInfer: ({ inputs: { x, gamma, beta, mean, variance }, attrs: { eps } }) => {
    const [n, c, plane] = dims(x.shape);
    const xv = f32(x);
    const y = allocF32(x.shape, false);
    const gv = f32(gamma);
    const bv = f32(beta);
    const mv = f32(mean);
    const vv = f32(variance);
    for (let ch = 0; ch < c; ch++) {
      const scale = gv[ch]! / Math.sqrt(vv[ch]! + eps);
      const shift = bv[ch]! - mv[ch]! * scale;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = 0; i < plane; i++) y.values[o + i] = xv[o + i]! * scale + shift;
      }
    }
    return y.info;
  },
};
