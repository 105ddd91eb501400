/**
 * Batch normalisation over every axis but 1. Statistics are parallel reductions: one 64-thread
 * workgroup per channel, two passes (mean, then centred squares) so that no cancellation creeps
 * in, each combined by `groupReduce` (subgroups where the device has them, else a barrier tree);
 * normalisation and dx are elementwise kernels. (256-thread workgroups were 6× slower on
 * SwiftShader, whose barriers switch between many coroutines.)
 */
import { type KernelTable, sizeOf, type TensorInfo } from '@igcnet/tensor/backend';
import type { WebGpuBackend } from '../backend.js';
import type { Program } from '../exec/executor.js';
import {
  enableSubgroups,
  gpu,
  grid1d,
  groupReduce,
  LINEAR_ARGS,
  LINEAR_INDEX,
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

const gradStatsPrograms = [false, true].map(
  (sg): Program<typeof statFields> => ({
    key: variantKey('bn-grad-stats', sg),
    fields: statFields,
    // dβ = Σdy, dγ = Σdy·x̂, reduced together as one vec2 (one set of barriers for both).
    code: (u) =>
      `${enableSubgroups(sg)}${storage(0, 'DY', 'f32')}${storage(1, 'X', 'f32')}${storage(2, 'Mean', 'f32')}${storage(3, 'Var', 'f32')}` +
      `${storage(4, 'DGamma', 'f32', true)}${storage(5, 'DBeta', 'f32', true)}${u}${groupReduce('channelSums', 'vec2<f32>', 'add', 64, sg)}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let ch = i32(wid.x);
  let total = P.n * P.plane;
  let m = Mean[ch];
  var sdy = 0.0;
  var sdyx = 0.0;
  for (var b = 0; b < P.n; b++) {
    let base = (b * P.c + ch) * P.plane;
    for (var q = i32(lid.x); q < P.plane; q += 64) {
      let d = DY[base + q];
      sdy += d;
      sdyx += d * (X[base + q] - m);
    }
  }
  let sums = channelSums(lid.x, vec2<f32>(sdy, sdyx));
  if (lid.x == 0u) { DBeta[ch] = sums.x; DGamma[ch] = sums.y * inverseSqrt(Var[ch] + P.eps); }
}`,
  }),
);

const ewFields = { total: 'i32', c: 'i32', plane: 'i32', count: 'f32', eps: 'f32' } as const;

const normalizeProgram: Program<typeof ewFields> = {
  key: 'bn-normalize',
  fields: ewFields,
  code: (u) =>
    `const WG = 256u;
${storage(0, 'X', 'f32')}${storage(1, 'Gamma', 'f32')}${storage(2, 'Beta', 'f32')}${storage(3, 'Mean', 'f32')}${storage(4, 'Var', 'f32')}` +
    `${storage(5, 'Y', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let ch = (i / P.plane) % P.c;
  let scale = Gamma[ch] * inverseSqrt(Var[ch] + P.eps);
  Y[i] = (X[i] - Mean[ch]) * scale + Beta[ch];
}`,
};

const dxProgram: Program<typeof ewFields> = {
  key: 'bn-dx',
  fields: ewFields,
  // dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂))
  code: (u) =>
    `const WG = 256u;
${storage(0, 'DY', 'f32')}${storage(1, 'X', 'f32')}${storage(2, 'Gamma', 'f32')}${storage(3, 'Mean', 'f32')}${storage(4, 'Var', 'f32')}` +
    `${storage(5, 'DGamma', 'f32')}${storage(6, 'DBeta', 'f32')}${storage(7, 'DX', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let ch = (i / P.plane) % P.c;
  let invStd = inverseSqrt(Var[ch] + P.eps);
  let xhat = (X[i] - Mean[ch]) * invStd;
  DX[i] = Gamma[ch] * invStd * (DY[i] - DBeta[ch] / P.count - xhat * DGamma[ch] / P.count);
}`,
};

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
): TensorInfo {
  const [n, c, plane] = dims(x.shape);
  const y = g.alloc(x.shape, 'float32');
  const total = sizeOf(x.shape);
  g.run(
    normalizeProgram,
    [g.buf(x), g.buf(gamma), g.buf(beta), g.buf(mean), g.buf(variance), g.buf(y)],
    { total, c, plane, count: n * plane, eps },
    grid1d(total),
  );
  return y;
}

/** Batch normalisation kernels of the WebGPU backend. */
export const normKernels: KernelTable = {
  BatchNormTrain: ({ inputs: { x, gamma, beta }, attrs: { eps }, backend }) => {
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
    return [normalize(g, x, gamma, beta, mean, variance, eps), mean, variance] as const;
  },
  BatchNormTrainGrad: ({ inputs: { dy, x, gamma, mean, variance }, attrs: { eps }, backend }) => {
    const g = gpu(backend);
    const [n, c, plane] = dims(x.shape);
    const dgamma = g.alloc([c], 'float32');
    const dbeta = g.alloc([c], 'float32');
    g.run(
      gradStatsPrograms[+g.subgroups]!,
      [g.buf(dy), g.buf(x), g.buf(mean), g.buf(variance), g.buf(dgamma), g.buf(dbeta)],
      { n, c, plane, eps },
      [c, 1, 1],
    );
    const dx = g.alloc(x.shape, 'float32');
    const total = sizeOf(x.shape);
    g.run(
      dxProgram,
      [
        g.buf(dy),
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
  },
  BatchNormInfer: ({ inputs: { x, gamma, beta, mean, variance }, attrs: { eps }, backend }) =>
    normalize(gpu(backend), x, gamma, beta, mean, variance, eps),
};
