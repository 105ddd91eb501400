/**
 * Classification kernels along the last axis: Softmax, LogSoftmax and SoftmaxCrossEntropy (one
 * 64-thread workgroup per row: max, then sum of exponentials, both `groupReduce` reductions:
 * subgroups where the device has them, else barrier trees), OneHot and TopK.
 */
import { type KernelTable, sizeOf } from '@igcnet/tensor/backend';
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
  wgslType,
} from './common.js';

const rowFields = { rows: 'i32', len: 'i32' } as const;

/** WGSL: the row reductions (subgroups when `sg`) and `rowLse`. */
function rowLse(sg: boolean): string {
  return `${groupReduce('rowMax', 'f32', 'max', 64, sg)}${groupReduce('rowSum', 'f32', 'add', 64, sg)}
/** log Σ exp over row \`row\` (−∞ for an all −∞ row). */
fn rowLse(lid: u32, base: i32) -> f32 {
  var m = negInf();
  for (var j = i32(lid); j < P.len; j += 64) { m = max(m, X[base + j]); }
  m = rowMax(lid, m);
  var s = 0.0;
  if (m != negInf()) {
    for (var j = i32(lid); j < P.len; j += 64) { s += exp(X[base + j] - m); }
  }
  s = rowSum(lid, s);
  return select(m + log(s), m, m == negInf());
}
`;
}

const ROW_ENTRY = `@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = i32(wid.x + wid.y * nwg.x);
  // The whole workgroup leaves together: control flow stays uniform for the row reductions.
  if (row >= P.rows) { return; }
  let base = row * P.len;
  let lse = rowLse(lid.x, base);`;

function rowProgram(
  kind: 'softmax' | 'logSoftmax' | 'sce',
  sg: boolean,
): Program<typeof rowFields> {
  const bindings =
    kind === 'sce'
      ? storage(0, 'X', 'f32') + storage(1, 'Labels', 'i32') + storage(2, 'O', 'f32', true)
      : storage(0, 'X', 'f32') + storage(1, 'O', 'f32', true);
  const body =
    kind === 'sce'
      ? `
  if (lid.x == 0u) {
    let label = Labels[row];
    // A label outside [0, C) gives NaN (the CPU throws; a GPU kernel cannot).
    if (label < 0 || label >= P.len) { O[row] = qNaN(); }
    else { O[row] = lse - X[base + label]; }
  }`
      : `
  for (var j = i32(lid.x); j < P.len; j += 64) {
    ${kind === 'softmax' ? 'O[base + j] = exp(X[base + j] - lse);' : 'O[base + j] = X[base + j] - lse;'}
  }`;
  return {
    key: `rows:${kind}${sg ? ':subgroup' : ''}`,
    fields: rowFields,
    code: (
      u,
    ) => `${enableSubgroups(sg)}${bindings}${u}${SPECIAL_FLOATS}${rowLse(sg)}${ROW_ENTRY}${body}
}`,
  };
}

const ohFields = { n: 'i32', depth: 'i32' } as const;

const oneHotProgram: Program<typeof ohFields> = {
  key: 'one-hot',
  fields: ohFields,
  code: (u) => `const WG = 256u;
${storage(0, 'I', 'i32')}${storage(1, 'O', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  O[i] = select(0.0, 1.0, I[i / P.depth] == i % P.depth);
}`,
};

const topkFields = { rows: 'i32', len: 'i32', k: 'i32' } as const;

/**
 * One thread per row picks the k largest in order (descending, NaN first, ties by lower index):
 * each pick is the first element, in that total order, after the previous pick. O(k·len), no
 * scratch memory.
 */
function topkProgram(t: 'f32' | 'i32'): Program<typeof topkFields> {
  const key = t === 'f32' ? 'select(v, posInf(), isNan(v))' : 'v';
  return {
    key: `topk:${t}`,
    fields: topkFields,
    code: (u) => `const WG = 256u;
${storage(0, 'X', t)}${storage(1, 'OV', t, true)}${storage(2, 'OI', 'i32', true)}${u}${SPECIAL_FLOATS}
fn keyOf(v: ${t}) -> ${t} { return ${key}; }
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.rows) { return; }
  let base = i * P.len;
  var pv: ${t} = keyOf(X[base]);
  var pi = -1;
  for (var j = 0; j < P.k; j++) {
    var bv: ${t} = pv;
    var bi = -1;
    for (var q = 0; q < P.len; q++) {
      let v = keyOf(X[base + q]);
      if (pi >= 0 && !(v < pv || (v == pv && q > pi))) { continue; }
      if (bi < 0 || v > bv) { bv = v; bi = q; }
    }
    OV[i * P.k + j] = X[base + bi];
    OI[i * P.k + j] = bi;
    pv = bv;
    pi = bi;
  }
}`,
  };
}

function rows(shape: readonly number[]): [number, number] {
  const len = shape[shape.length - 1] ?? 1;
  return [len === 0 ? 0 : shape.reduce((p, d) => p * d, 1) / len, len];
}

/** Classification kernels of the WebGPU backend. */
export const lossKernels: KernelTable = {
  Softmax: ({ inputs: { x }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, 'float32');
    const [r, len] = rows(x.shape);
    g.run(
      rowProgram('softmax', g.subgroups),
      [g.buf(x), g.buf(out)],
      { rows: r, len },
      grid1d(r, 1),
    );
    return out;
  },
  LogSoftmax: ({ inputs: { x }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, 'float32');
    const [r, len] = rows(x.shape);
    g.run(
      rowProgram('logSoftmax', g.subgroups),
      [g.buf(x), g.buf(out)],
      { rows: r, len },
      grid1d(r, 1),
    );
    return out;
  },
  SoftmaxCrossEntropy: ({ inputs: { logits, labels }, backend }) => {
    const g = gpu(backend);
    const [n, c] = logits.shape as [number, number];
    const out = g.alloc([n], 'float32');
    g.run(
      rowProgram('sce', g.subgroups),
      [g.buf(logits), g.buf(labels), g.buf(out)],
      { rows: n, len: c },
      grid1d(n, 1),
    );
    return out;
  },
  OneHot: ({ inputs: { indices }, attrs: { depth }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc([...indices.shape, depth], 'float32');
    const n = sizeOf(out.shape);
    g.run(oneHotProgram, [g.buf(indices), g.buf(out)], { n, depth }, grid1d(n));
    return out;
  },
  TopK: ({ inputs: { x }, attrs: { k }, backend }) => {
    const g = gpu(backend);
    const shape = [...x.shape.slice(0, -1), k];
    const values = g.alloc(shape, x.dtype);
    const indices = g.alloc(shape, 'int32');
    const [r, len] = rows(x.shape);
    if (k > 0)
      g.run(
        topkProgram(wgslType(x.dtype)),
        [g.buf(x), g.buf(values), g.buf(indices)],
        { rows: r, len, k },
        grid1d(r),
      );
    return [values, indices] as const;
  },
};
