/**
 * Reductions: Sum and Max over any axes as parallel workgroup reductions (subgroup operations
 * where the device has them, else a barrier tree), and ArgMax.
 */
import {
  collapseAxes,
  type KernelTable,
  sizeOf,
  stridesOf,
  type TensorInfo,
} from '@igcnet/tensor/backend';
import type { Program } from '../exec/executor.js';
import { vecAt } from '../exec/uniforms.js';
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

const redFields = {
  nOut: 'i32',
  nRed: 'i32',
  kRank: 'i32',
  rRank: 'i32',
  kShape: 'vec',
  kStr: 'vec',
  rShape: 'vec',
  rStr: 'vec',
} as const;

type RedOp = 'sum' | 'max';

function init(op: RedOp, t: 'f32' | 'i32'): string {
  if (op === 'sum') return t === 'f32' ? '0.0' : '0';
  return t === 'f32' ? 'negInf()' : '(-2147483647 - 1)';
}

function combine(op: RedOp, t: 'f32' | 'i32'): string {
  if (op === 'sum') return 'a + b';
  return t === 'f32' ? 'select(a, b, b > a || isNan(b))' : 'max(a, b)';
}

/**
 * One workgroup per output (`tree`), each thread striding over the reduced elements and the
 * workgroup combining its partials (`groupReduce`: subgroups when `sg`, else a barrier tree); or
 * one thread per output (`serial`) when the reduced extent is short.
 */
function reduceProgram(
  op: RedOp,
  t: 'f32' | 'i32',
  serial: boolean,
  sg: boolean,
): Program<typeof redFields> {
  const offsets = `fn keptOffset(o: i32) -> i32 {
  var off = 0; var rem = o;
  for (var d = P.kRank - 1; d >= 0; d--) {
    let s = ${vecAt('kShape', 'd')};
    off += (rem % s) * ${vecAt('kStr', 'd')};
    rem = rem / s;
  }
  return off;
}
fn redOffset(r: i32) -> i32 {
  var off = 0; var rem = r;
  for (var d = P.rRank - 1; d >= 0; d--) {
    let s = ${vecAt('rShape', 'd')};
    off += (rem % s) * ${vecAt('rStr', 'd')};
    rem = rem / s;
  }
  return off;
}
fn combine(a: ${t}, b: ${t}) -> ${t} { return ${combine(op, t)}; }
`;
  const body = serial
    ? `const WG = 256u;
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.nOut) { return; }
  let base = keptOffset(i);
  var acc: ${t} = ${init(op, t)};
  for (var r = 0; r < P.nRed; r++) { acc = combine(acc, X[base + redOffset(r)]); }
  O[i] = acc;
}`
    : `${groupReduce('groupCombine', t, op === 'sum' ? 'add' : 'max', 64, sg)}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>) {
  let o = i32(wid.x + wid.y * nwg.x);
  // The whole workgroup leaves together: control flow stays uniform for the reduction below.
  if (o >= P.nOut) { return; }
  let base = keptOffset(o);
  var acc: ${t} = ${init(op, t)};
  for (var r = i32(lid.x); r < P.nRed; r += 64) { acc = combine(acc, X[base + redOffset(r)]); }
  let total = groupCombine(lid.x, acc);
  if (lid.x == 0u) { O[o] = total; }
}`;
  const variant = serial ? 'serial' : sg ? 'subgroup' : 'tree';
  return {
    key: `reduce:${op}:${t}:${variant}`,
    fields: redFields,
    code: (u) =>
      `${enableSubgroups(!serial && sg)}${storage(0, 'X', t)}${storage(1, 'O', t, true)}${u}${SPECIAL_FLOATS}${offsets}${body}`,
  };
}

/** Runs a reduction of `x` over sorted `axes` into a fresh output of `outShape`. */
export function reduceInto(
  backend: unknown,
  op: RedOp,
  x: TensorInfo,
  axes: readonly number[],
  keepDims: boolean,
): TensorInfo {
  const g = gpu(backend);
  const xs = stridesOf(x.shape);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : kept.map((i) => x.shape[i]!);
  const out = g.alloc(outShape, x.dtype);
  const nOut = sizeOf(out.shape);
  if (nOut === 0) return out;
  const k = collapseAxes(
    kept.map((i) => x.shape[i]!),
    [kept.map((i) => xs[i]!)],
  );
  const r = collapseAxes(
    axes.map((i) => x.shape[i]!),
    [axes.map((i) => xs[i]!)],
  );
  if (k.shape.length > 8 || r.shape.length > 8)
    throw new Error('webgpu reduce: more than 8 axes after collapsing');
  const nRed = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const t = wgslType(x.dtype);
  const serial = nRed <= 16;
  const vals = {
    nOut,
    nRed,
    kRank: k.shape.length,
    rRank: r.shape.length,
    kShape: k.shape,
    kStr: k.strides[0]!,
    rShape: r.shape,
    rStr: r.strides[0]!,
  };
  g.run(
    reduceProgram(op, t, serial, g.subgroups),
    [g.buf(x), g.buf(out)],
    vals,
    serial ? grid1d(nOut) : grid1d(nOut, 1),
  );
  return out;
}

const argFields = { nOut: 'i32', len: 'i32', inner: 'i32' } as const;

/** One thread per output, walking the axis: short axes, and devices without subgroups. */
function argmaxProgram(t: 'f32' | 'i32'): Program<typeof argFields> {
  return {
    key: `argmax:${t}`,
    fields: argFields,
    code: (u) => `const WG = 256u;
${storage(0, 'X', t)}${storage(1, 'O', 'i32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.nOut) { return; }
  let a = i / P.inner;
  let b = i % P.inner;
  let base = a * P.len * P.inner + b;
  var best = X[base];
  var bi = 0;
  for (var j = 1; j < P.len; j++) {
    let v = X[base + j * P.inner];
    if (v > best) { best = v; bi = j; }
  }
  O[i] = bi;
}`,
  };
}

/**
 * One 64-thread workgroup per output, for long axes on devices with subgroups. The first maximum
 * must win, as on the CPU (`v > best`, so a NaN never wins unless it comes first): values become
 * u32 keys whose order is that comparison's (NaN at index 0 above everything, NaN elsewhere below
 * everything, −0 equal to +0), each thread keeps the first largest key of its strided share, and
 * the workgroup takes the largest key, then the smallest index among the lanes holding it
 * (subgroupMax, then subgroupMin); partials cross subgroups as in `groupReduce`.
 */
function argmaxGroupProgram(t: 'f32' | 'i32'): Program<typeof argFields> {
  const key =
    t === 'f32'
      ? `fn key(v: f32, j: i32) -> u32 {
  if (isNan(v)) { return select(0u, 0xffffffffu, j == 0); }
  let b = select(bitcast<u32>(v), 0u, v == 0.0);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}`
      : 'fn key(v: i32, j: i32) -> u32 { return bitcast<u32>(v) ^ 0x80000000u; }';
  return {
    key: `argmax:${t}:subgroup`,
    fields: argFields,
    code: (
      u,
    ) => `${enableSubgroups(true)}${storage(0, 'X', t)}${storage(1, 'O', 'i32', true)}${u}${SPECIAL_FLOATS}
${key}
const NONE = 2147483647;
var<workgroup> partKey: array<u32, 64>;
var<workgroup> partIdx: array<i32, 64>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>) {
  let o = i32(wid.x + wid.y * nwg.x);
  // The whole workgroup leaves together: control flow stays uniform for the subgroup operations.
  if (o >= P.nOut) { return; }
  let base = (o / P.inner) * P.len * P.inner + o % P.inner;
  // A thread with no elements holds (0, NONE), which loses every comparison below.
  var bk = 0u;
  var bi = NONE;
  for (var j = i32(lid.x); j < P.len; j += 64) {
    let k = key(X[base + j * P.inner], j);
    if (bi == NONE || k > bk) { bk = k; bi = j; }
  }
  let rank = subgroupExclusiveAdd(1u);
  let lanes = subgroupAdd(1u);
  var m = subgroupMax(bk);
  var mi = subgroupMin(select(NONE, bi, bk == m));
  partKey[lid.x] = select(0u, m, rank == 0u);
  partIdx[lid.x] = select(NONE, mi, rank == 0u);
  workgroupBarrier();
  bk = 0u;
  bi = NONE;
  for (var s = rank; s < 64u; s += lanes) {
    let pk = partKey[s];
    let pi = partIdx[s];
    if (pk > bk || (pk == bk && pi < bi)) { bk = pk; bi = pi; }
  }
  m = subgroupMax(bk);
  mi = subgroupMin(select(NONE, bi, bk == m));
  if (lid.x == 0u) { O[o] = mi; }
}`,
  };
}

/** Axis length from which ArgMax runs a workgroup per output (with subgroups), as Sum's tree. */
const ARGMAX_GROUP_MIN = 17;

/** Reduction kernels of the WebGPU backend. */
export const reduceKernels: KernelTable = {
  Sum: ({ inputs: { x }, attrs: { axes, keepDims }, backend }) =>
    reduceInto(backend, 'sum', x, axes, keepDims),
  Max: ({ inputs: { x }, attrs: { axes, keepDims }, backend }) =>
    reduceInto(backend, 'max', x, axes, keepDims),
  ArgMax: ({ inputs: { x }, attrs: { axis }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(
      x.shape.filter((_, i) => i !== axis),
      'int32',
    );
    const nOut = sizeOf(out.shape);
    if (nOut === 0) return out;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const len = x.shape[axis]!;
    const group = g.subgroups && len >= ARGMAX_GROUP_MIN;
    const t = wgslType(x.dtype);
    g.run(
      group ? argmaxGroupProgram(t) : argmaxProgram(t),
      [g.buf(x), g.buf(out)],
      { nOut, len, inner },
      group ? grid1d(nOut, 1) : grid1d(nOut),
    );
    return out;
  },
};
