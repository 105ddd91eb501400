/**
 * Batch normalisation over every axis but 1. Statistics are parallel reductions: one 64-thread
 * workgroup per channel, two passes (mean, then centred squares) so that no cancellation creeps
 * in, each combined by `groupReduce` (subgroups where the device has them, else a barrier tree);
 * normalisation and dx are elementwise kernels. (256-thread workgroups were 6× slower on
 * SwiftShader, whose barriers switch between many coroutines.) The fused BN + ReLU kernels are
 * the same programs with the ReLU in the normalisation and the mask y > 0 on every read of dy.
 */
import {
  type KernelArgs,
  type KernelOutputs,
  type KernelTable,
  sizeOf,
  type TensorInfo,
} from '@igcnet/tensor/backend';
import type { WebGpuBackend } from '../backend.js';
import type { Program } from '../exec/executor.js';
import {
  enableSubgroups,
  gpu,
  grid1d,
  groupReduce,
  LINEAR_ARGS,
  LINEAR_INDEX,
  SPECIAL_FLOATS,
  storage,
} from './common.js';

const statFields = { n: 'i32', c: 'i32', plane: 'i32', eps: 'f32' } as const;

/** Pipeline keys carry the variant: `bn-stats` / `bn-stats:subgroup`. */
function variantKey(key: string, sg: boolean): string {
  return sg ? `${key}:subgroup` : key;
}

const statsPrograms = [false, true].map(
  (sg): Program<typeof statFields> => ({
    key: variantKey('bn-stats', sg),
    fields: statFields,
    code: (u) =>
      `${enableSubgroups(sg)}${storage(0, 'X', 'f32')}${storage(1, 'Mean', 'f32', true)}${storage(2, 'Var', 'f32', true)}${u}` +
      `${groupReduce('sumMean', 'f32', 'add', 64, sg)}${groupReduce('sumVar', 'f32', 'add', 64, sg)}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let ch = i32(wid.x);
  let total = P.n * P.plane;
  // Image by image, pixels strided across the workgroup: no index division per element.
  var s = 0.0;
  for (var b = 0; b < P.n; b++) {
    let base = (b * P.c + ch) * P.plane;
    for (var q = i32(lid.x); q < P.plane; q += 64) { s += X[base + q]; }
  }
  let mean = sumMean(lid.x, s) / f32(total);
  var ss = 0.0;
  for (var b = 0; b < P.n; b++) {
    let base = (b * P.c + ch) * P.plane;
    for (var q = i32(lid.x); q < P.plane; q += 64) {
      let d = X[base + q] - mean;
      ss += d * d;
    }
  }
  let variance = sumVar(lid.x, ss) / f32(total);
  if (lid.x == 0u) { Mean[ch] = mean; Var[ch] = variance; }
}`,
  }),
);

/**
 * Declarations of the gradient programs' leading inputs: DY, and with the ReLU mask the fused
 * forward's output Y, and `dyAt(i)`, dy where y > 0 (masked, not multiplied: a non-finite dy
 * where the ReLU clamped stays out). Returns the next free binding too.
 */
function dyInputs(relu: boolean): { decl: string; next: number } {
  if (!relu)
    return {
      decl: `${storage(0, 'DY', 'f32')}fn dyAt(i: i32) -> f32 { return DY[i]; }\n`,
      next: 1,
    };
  return {
    decl: `${storage(0, 'DY', 'f32')}${storage(1, 'Y', 'f32')}fn dyAt(i: i32) -> f32 { return select(0.0, DY[i], Y[i] > 0.0); }\n`,
    next: 2,
  };
}

/** Pipeline keys of the fused variants: `bn-dx:relu`, `bn-grad-stats:relu:subgroup`. */
const reluKey = (key: string, relu: boolean): string => (relu ? `${key}:relu` : key);

/** By `relu` then subgroups: [[plain, plain+sg], [relu, relu+sg]]. */
const gradStatsPrograms = [false, true].map((relu) =>
  [false, true].map((sg): Program<typeof statFields> => {
    const { decl, next: b } = dyInputs(relu);
    return {
      key: variantKey(reluKey('bn-grad-stats', relu), sg),
      fields: statFields,
      // dβ = Σdy, dγ = Σdy·x̂, reduced together as one vec2 (one set of barriers for both).
      code: (u) =>
        `${enableSubgroups(sg)}${decl}${storage(b, 'X', 'f32')}${storage(b + 1, 'Mean', 'f32')}${storage(b + 2, 'Var', 'f32')}` +
        `${storage(b + 3, 'DGamma', 'f32', true)}${storage(b + 4, 'DBeta', 'f32', true)}${u}${groupReduce('channelSums', 'vec2<f32>', 'add', 64, sg)}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let ch = i32(wid.x);
  let total = P.n * P.plane;
  let m = Mean[ch];
  var sdy = 0.0;
  var sdyx = 0.0;
  for (var b = 0; b < P.n; b++) {
    let base = (b * P.c + ch) * P.plane;
    for (var q = i32(lid.x); q < P.plane; q += 64) {
      let d = dyAt(base + q);
      sdy += d;
      sdyx += d * (X[base + q] - m);
    }
  }
  let sums = channelSums(lid.x, vec2<f32>(sdy, sdyx));
  if (lid.x == 0u) { DBeta[ch] = sums.x; DGamma[ch] = sums.y * inverseSqrt(Var[ch] + P.eps); }
}`,
    };
  }),
);

const ewFields = { total: 'i32', c: 'i32', plane: 'i32', count: 'f32', eps: 'f32' } as const;

/** y = bn(x), and with `relu` the Relu kernel's clamp of it (NaN kept, −0 and negatives to +0). */
const normalizePrograms = [false, true].map(
  (relu): Program<typeof ewFields> => ({
    key: reluKey('bn-normalize', relu),
    fields: ewFields,
    code: (u) =>
      `const WG = 256u;
${relu ? SPECIAL_FLOATS : ''}${storage(0, 'X', 'f32')}${storage(1, 'Gamma', 'f32')}${storage(2, 'Beta', 'f32')}${storage(3, 'Mean', 'f32')}${storage(4, 'Var', 'f32')}` +
      `${storage(5, 'Y', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let ch = (i / P.plane) % P.c;
  let scale = Gamma[ch] * inverseSqrt(Var[ch] + P.eps);
  let z = (X[i] - Mean[ch]) * scale + Beta[ch];
  Y[i] = ${relu ? 'select(0.0, z, z > 0.0 || isNan(z))' : 'z'};
}`,
  }),
);

const dxPrograms = [false, true].map((relu): Program<typeof ewFields> => {
  const { decl, next: b } = dyInputs(relu);
  return {
    key: reluKey('bn-dx', relu),
    fields: ewFields,
    // dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂))
    code: (u) =>
      `const WG = 256u;
${decl}${storage(b, 'X', 'f32')}${storage(b + 1, 'Gamma', 'f32')}${storage(b + 2, 'Mean', 'f32')}${storage(b + 3, 'Var', 'f32')}` +
      `${storage(b + 4, 'DGamma', 'f32')}${storage(b + 5, 'DBeta', 'f32')}${storage(b + 6, 'DX', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let ch = (i / P.plane) % P.c;
  let invStd = inverseSqrt(Var[ch] + P.eps);
  let xhat = (X[i] - Mean[ch]) * invStd;
  DX[i] = Gamma[ch] * invStd * (dyAt(i) - DBeta[ch] / P.count - xhat * DGamma[ch] / P.count);
}`,
  };
});

function dims(shape: readonly number[]): [number, number, number] {
  const plane = shape.length === 4 ? shape[2]! * shape[3]! : 1;
  return [shape[0]!, shape[1]!, plane];
}

function normalize(
  g: WebGpuBackend,
  x: TensorInfo,
  gamma: TensorInfo,
  beta: TensorInfo,
  mean: TensorInfo,
  variance: TensorInfo,
  eps: number,
  relu = false,
): TensorInfo {
  const [n, c, plane] = dims(x.shape);
  const y = g.alloc(x.shape, 'float32');
  const total = sizeOf(x.shape);
  g.run(
    normalizePrograms[+relu]!,
    [g.buf(x), g.buf(gamma), g.buf(beta), g.buf(mean), g.buf(variance), g.buf(y)],
    { total, c, plane, count: n * plane, eps },
    grid1d(total),
  );
  return y;
}

/** BatchNormTrain, and with `relu` BatchNormReluTrain. */
function batchNormTrain(
  { inputs: { x, gamma, beta }, attrs: { eps }, backend }: KernelArgs<'BatchNormTrain'>,
  relu: boolean,
): KernelOutputs<'BatchNormTrain'> {
  const g = gpu(backend);
  const [n, c, plane] = dims(x.shape);
  const mean = g.alloc([c], 'float32');
  const variance = g.alloc([c], 'float32');
  g.run(
    statsPrograms[+g.subgroups]!,
    [g.buf(x), g.buf(mean), g.buf(variance)],
    { n, c, plane, eps },
    [c, 1, 1],
  );
  return [normalize(g, x, gamma, beta, mean, variance, eps, relu), mean, variance] as const;
}

/** BatchNormTrainGrad, and given the fused forward's output `y` BatchNormReluTrainGrad. */
function batchNormTrainGrad(
  {
    inputs: { dy, x, gamma, mean, variance },
    attrs: { eps },
    backend,
  }: KernelArgs<'BatchNormTrainGrad'>,
  y: TensorInfo | undefined,
): KernelOutputs<'BatchNormTrainGrad'> {
  const g = gpu(backend);
  const [n, c, plane] = dims(x.shape);
  const dgamma = g.alloc([c], 'float32');
  const dbeta = g.alloc([c], 'float32');
  const dys = y ? [g.buf(dy), g.buf(y)] : [g.buf(dy)];
  g.run(
    gradStatsPrograms[+(y !== undefined)]![+g.subgroups]!,
    [...dys, g.buf(x), g.buf(mean), g.buf(variance), g.buf(dgamma), g.buf(dbeta)],
    { n, c, plane, eps },
    [c, 1, 1],
  );
  const dx = g.alloc(x.shape, 'float32');
  const total = sizeOf(x.shape);
  g.run(
    dxPrograms[+(y !== undefined)]!,
    [
      ...dys,
      g.buf(x),
      g.buf(gamma),
      g.buf(mean),
      g.buf(variance),
      g.buf(dgamma),
      g.buf(dbeta),
      g.buf(dx),
    ],
    { total, c, plane, count: n * plane, eps },
    grid1d(total),
  );
  return [dx, dgamma, dbeta] as const;
}

/** Batch normalisation kernels of the WebGPU backend. */
export const normKernels: KernelTable = {
  BatchNormTrain: (args) => batchNormTrain(args, false),
  // Spread: the argument types name another kernel, with the same inputs and attributes.
  BatchNormReluTrain: ({ inputs, attrs, backend }) =>
    batchNormTrain({ inputs, attrs, backend }, true),
  BatchNormTrainGrad: (args) => batchNormTrainGrad(args, undefined),
  BatchNormReluTrainGrad: ({ inputs, attrs, backend }) =>
    batchNormTrainGrad({ inputs, attrs, backend }, inputs.y),
  BatchNormInfer: ({ inputs: { x, gamma, beta, mean, variance }, attrs: { eps }, backend }) =>
    normalize(gpu(backend), x, gamma, beta, mean, variance, eps),
};
