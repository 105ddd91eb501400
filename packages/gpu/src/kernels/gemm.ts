/**
 * One tiled GEMM template (tfjs `matmul_packed_webgpu`, onnxruntime): C[b] = A[b]·B[b] for a batch
 * (or group) grid dimension. A kernel supplies only addressing hooks:
 * - `rowA(b, m) -> RowA` and `readA(r, b, k)`: the per-row part of A's address (for a conv, the
 *   image and window origin of an output pixel) is computed once per thread, not per element;
 * - `colB(b, n) -> ColB` and `readB(c, b, k)` likewise for B;
 * - `outIndex(b, m, n)` and, optionally, `epilogue(b, m, n, v)` (bias, BN, ReLU).
 * Matmul, the three convolutions and their 1×1 special cases are such hooks. 64×BN×16 tiles live
 * in workgroup memory; each of 16·BN/4 threads accumulates a 4×4 block in registers. Large-K,
 * small-output problems (backward filter) split K across workgroups and sum the partial tiles in
 * a second pass; short-K problems run an untiled kernel on the same hooks.
 */
import type { WebGpuBackend } from '../backend.js';
import type { Program } from '../exec/executor.js';
import type { Fields, Values } from '../exec/uniforms.js';
import { gpuFlags } from '../flags.js';
import {
  enableSubgroups,
  grid1d,
  groupReduce,
  LINEAR_ARGS,
  LINEAR_INDEX,
  storage,
} from './common.js';

export const GEMM_FIELDS = {
  M: 'i32',
  N: 'i32',
  K: 'i32',
  splits: 'i32',
  kPerSplit: 'i32',
  total: 'i32',
} as const;
export type GemmFields = typeof GEMM_FIELDS;

const BM = 64;
const BK = 16;

/** What a GEMM-shaped kernel supplies. */
export interface GemmSpec<F extends Fields> {
  /** Program family and variant (no shapes). */
  key: string;
  /** Uniform fields beyond GEMM_FIELDS. */
  fields: F;
  /** Storage declarations of the inputs, bindings 0…n−1 in order; the output `O` follows. */
  inputs: string;
  /**
   * WGSL defining structs RowA and ColB, rowA(b, m) -> RowA, readA(r: RowA, b, k) -> f32,
   * colB(b, n) -> ColB, readB(c: ColB, b, k) -> f32, outIndex(b, m, n) -> i32 and, when
   * `hasEpilogue`, epilogue(b, m, n, v) -> f32.
   */
  functions: string;
  hasEpilogue: boolean;
  /** Whether consecutive k are adjacent in memory for A (resp. B): the tile loads walk k fastest then. */
  aKFast: boolean;
  bKFast: boolean;
  /**
   * Vectorised tile loads of A (needs `aKFast`): WGSL of readA4(r: RowA, b, k) -> vec4<f32>, the
   * values at k…k+3 read as one vec4 from `view`, an array<vec4<f32>> view of input `input`.
   * Used only when the launch says the shapes allow it (k…k+3 contiguous and 16-byte aligned).
   */
  readA4?: { input: number; view: string; code: string };
  /** The same for B (needs `bKFast`): readB4(c: ColB, b, k) -> vec4<f32>. */
  readB4?: { input: number; view: string; code: string };
}

/** Which operands a launch loads as vec4. */
export interface VecLoads {
  a: boolean;
  b: boolean;
}

function gemmProgram<F extends Fields>(
  spec: GemmSpec<F>,
  tn: number,
  split: boolean,
  nInputs: number,
  vec: VecLoads,
): Program<GemmFields & F> {
  const bn = 16 * tn;
  // vec4 views bind after the inputs; the output follows them.
  let views = '';
  let binding = nInputs;
  if (vec.a) views += storage(binding++, spec.readA4!.view, 'vec4<f32>');
  if (vec.b) views += storage(binding++, spec.readB4!.view, 'vec4<f32>');
  const outBinding = binding;
  // 16 × BN/4 threads, each accumulating a 4×4 block (rows tx + 16i, columns ty + BN/4·j).
  const threads = 4 * bn;
  const ty = bn / 4;
  // Tile slots: thread t loads elements e = t + threads·r. Since `threads` is a multiple of BM, BN
  // and BK, the slot's row (or column, or k) is the same in every k step, so a thread computes
  // each row's (column's) address state once.
  const aSlots = (BM * BK) / threads;
  const bSlots = (BK * bn) / threads;
  const prep: string[] = [];
  const loads: string[] = [];
  const vecSlots = (
    rows: number,
    v: 'a' | 'b',
    stateFn: string,
    reader: string,
    tile: string,
    width: string,
  ) => {
    const slots = (rows * 4) / threads;
    for (let r = 0; r < slots; r++) {
      const e = `(t + ${threads * r})`;
      prep.push(
        `let ${v}m${r} = ${e} / 4; let ${v}k${r} = (${e} % 4) * 4; let ${v}ok${r} = ${v === 'a' ? 'm0' : 'n0'} + ${v}m${r} < P.${v === 'a' ? 'M' : 'N'}; ` +
          `let ${v}s${r} = ${stateFn}(b, min(${v === 'a' ? 'm0' : 'n0'} + ${v}m${r}, P.${v === 'a' ? 'M' : 'N'} - 1));`,
      );
      loads.push(
        `{ let kk = ${v}k${r}; let gk = k0 + kk; var v = vec4<f32>(0.0); if (${v}ok${r} && gk < kEnd) { v = ${reader}(${v}s${r}, b, gk); } ` +
          `${tile}[kk * ${width} + ${v}m${r}] = v.x; ${tile}[(kk + 1) * ${width} + ${v}m${r}] = v.y; ` +
          `${tile}[(kk + 2) * ${width} + ${v}m${r}] = v.z; ${tile}[(kk + 3) * ${width} + ${v}m${r}] = v.w; }`,
      );
    }
  };
  if (vec.a) vecSlots(BM, 'a', 'rowA', 'readA4', 'As', 'BM');
  for (let r = 0; r < (vec.a ? 0 : aSlots); r++) {
    const e = `(t + ${threads * r})`;
    const [mm, kk] = spec.aKFast ? [`${e} / BK`, `${e} % BK`] : ['t % BM', `${e} / BM`];
    const row = spec.aKFast ? `${r}` : '0';
    if (spec.aKFast || r === 0) {
      prep.push(
        `let am${row} = ${mm}; let aok${row} = m0 + am${row} < P.M; let ra${row} = rowA(b, min(m0 + am${row}, P.M - 1));`,
      );
    }
    loads.push(
      `{ let kk = ${kk}; let gk = k0 + kk; var v = 0.0; if (aok${row} && gk < kEnd) { v = readA(ra${row}, b, gk); } As[kk * BM + am${row}] = v; }`,
    );
  }
  if (vec.b) vecSlots(bn, 'b', 'colB', 'readB4', 'Bs', 'BN');
  for (let r = 0; r < (vec.b ? 0 : bSlots); r++) {
    const e = `(t + ${threads * r})`;
    const [nn, kk] = spec.bKFast ? [`${e} / BK`, `${e} % BK`] : ['t % BN', `${e} / BN`];
    const col = spec.bKFast ? `${r}` : '0';
    if (spec.bKFast || r === 0) {
      prep.push(
        `let bn${col} = ${nn}; let bok${col} = n0 + bn${col} < P.N; let cb${col} = colB(b, min(n0 + bn${col}, P.N - 1));`,
      );
    }
    loads.push(
      `{ let kk = ${kk}; let gk = k0 + kk; var v = 0.0; if (bok${col} && gk < kEnd) { v = readB(cb${col}, b, gk); } Bs[kk * BN + bn${col}] = v; }`,
    );
  }
  const store = (i: number, j: number) => {
    const v = `c${i}${j}`;
    return split
      ? `O[s * P.total + outIndex(b, gm, gn)] = ${v};`
      : `O[outIndex(b, gm, gn)] = ${spec.hasEpilogue ? `epilogue(b, gm, gn, ${v})` : v};`;
  };
  // Straight-line code with scalar accumulators: no dynamically indexed private arrays, which
  // some shader compilers (SwiftShader's Subzero among them) handle badly.
  const idx = [0, 1, 2, 3];
  const decl = idx.flatMap((i) => idx.map((j) => `var c${i}${j} = 0.0;`)).join(' ');
  const inner = [
    ...idx.map((i) => `let a${i} = As[kk * BM + tx + ${16 * i}];`),
    ...idx.map((j) => `let b${j} = Bs[kk * BN + ty + ${ty * j}];`),
    ...idx.flatMap((i) => idx.map((j) => `c${i}${j} = c${i}${j} + a${i} * b${j};`)),
  ].join('\n      ');
  const stores = idx
    .flatMap((i) =>
      idx.map(
        (j) =>
          `  { let gm = m0 + tx + ${16 * i}; let gn = n0 + ty + ${ty * j}; if (gm < P.M && gn < P.N) { ${store(i, j)} } }`,
      ),
    )
    .join('\n');
  return {
    key: `gemm:${spec.key}:tn${tn}:${split ? 'split' : 'direct'}${vec.a ? ':va' : ''}${vec.b ? ':vb' : ''}`,
    fields: { ...GEMM_FIELDS, ...spec.fields },
    code: (u) => `const BM = ${BM}; const BN = ${bn}; const BK = ${BK};
${spec.inputs}${views}${storage(outBinding, 'O', 'f32', true)}${u}
${spec.functions}
${vec.a ? spec.readA4!.code : ''}
${vec.b ? spec.readB4!.code : ''}
var<workgroup> As: array<f32, ${BM * BK}>;
var<workgroup> Bs: array<f32, ${BK * bn}>;
@compute @workgroup_size(${threads}, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let z = i32(wid.z);
  let b = z / P.splits;
  let s = z % P.splits;
  let kBegin = s * P.kPerSplit;
  let kEnd = min(P.K, kBegin + P.kPerSplit);
  let m0 = i32(wid.x) * BM;
  let n0 = i32(wid.y) * BN;
  let t = i32(li);
  let tx = t % 16;
  let ty = t / 16;
  ${prep.join('\n  ')}
  ${decl}
  for (var k0 = kBegin; k0 < kEnd; k0 += BK) {
    ${loads.join('\n    ')}
    workgroupBarrier();
    for (var kk = 0; kk < BK; kk++) {
      ${inner}
    }
    workgroupBarrier();
  }
${stores}
}`,
  };
}

/**
 * The same hooks without tiles: one thread per output, summing over K directly. For GEMMs whose K
 * is short (1×1 convs with few channels per group) the tiled kernel's shared-memory round trip
 * and barriers cost more than they save.
 */
function directProgram<F extends Fields>(
  spec: GemmSpec<F>,
  nInputs: number,
): Program<GemmFields & F> {
  return {
    key: `gemm-direct:${spec.key}`,
    fields: { ...GEMM_FIELDS, ...spec.fields },
    code: (u) => `const WG = 64u;
${spec.inputs}${storage(nInputs, 'O', 'f32', true)}${u}
${spec.functions}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  let mn = P.M * P.N;
  if (i >= mn * (P.total / mn)) { return; }
  let b = i / mn;
  let r = i % mn;
  let m = r % P.M;
  let n = r / P.M;
  let ra = rowA(b, m);
  let cb = colB(b, n);
  var acc = 0.0;
  for (var k = 0; k < P.K; k++) { acc = acc + readA(ra, b, k) * readB(cb, b, k); }
  O[outIndex(b, m, n)] = ${spec.hasEpilogue ? 'epilogue(b, m, n, acc)' : 'acc'};
}`,
  };
}

/**
 * Tiny outputs with a long K (the backward filter of a 1×1 conv with 4 channels per group): one
 * 64-thread workgroup per output strides over K and sums in a tree; tiles would be mostly empty.
 */
function dotProgram<F extends Fields>(
  spec: GemmSpec<F>,
  nInputs: number,
  subgroups: boolean,
): Program<GemmFields & F> {
  return {
    key: `gemm-dot:${spec.key}${subgroups ? ':subgroup' : ''}`,
    fields: { ...GEMM_FIELDS, ...spec.fields },
    code: (
      u,
    ) => `${enableSubgroups(subgroups)}${spec.inputs}${storage(nInputs, 'O', 'f32', true)}${u}
${spec.functions}
${groupReduce('dotSum', 'f32', 'add', 64, subgroups)}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) li: u32) {
  let o = i32(wid.x + wid.y * nwg.x);
  let mn = P.M * P.N;
  // Whole workgroups leave together, so the reduction below stays in uniform control flow.
  if (o >= mn * (P.total / mn)) { return; }
  let b = o / mn;
  let m = (o % mn) % P.M;
  let n = (o % mn) / P.M;
  let ra = rowA(b, m);
  let cb = colB(b, n);
  var acc = 0.0;
  for (var k = i32(li); k < P.K; k += 64) { acc = acc + readA(ra, b, k) * readB(cb, b, k); }
  let total = dotSum(li, acc);
  if (li == 0u) { O[outIndex(b, m, n)] = ${spec.hasEpilogue ? 'epilogue(b, m, n, total)' : 'total'}; }
}`,
  };
}

/** K up to which the direct kernel runs instead of the tiled one (IGCNET_GPU_DIRECT_K). */
export function directMaxK(): number {
  return gpuFlags.get('directK');
}

const sumFields = { n: 'i32', parts: 'i32' } as const;

/** O[i] = Σ_s S[s·n + i]: adds up the partial results of a reduction split into `parts`. */
export const sumPartsProgram: Program<typeof sumFields> = {
  key: 'sum-parts',
  fields: sumFields,
  code: (u) => `const WG = 256u;
${storage(0, 'S', 'f32')}${storage(1, 'O', 'f32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  var acc = 0.0;
  for (var s = 0; s < P.parts; s++) { acc += S[s * P.n + i]; }
  O[i] = acc;
}`,
};

/** Problem size of one GEMM launch. */
export interface GemmDims {
  M: number;
  N: number;
  K: number;
  /** Batch (or group) count: the grid's z. */
  batch: number;
  /** Elements of the output (for split-K scratch). */
  total: number;
  /** Allow split-K (only kernels without an epilogue). */
  allowSplit: boolean;
}

/** Queues a GEMM-shaped kernel writing `out`. */
export function runGemm<F extends Fields>(
  g: WebGpuBackend,
  spec: GemmSpec<F>,
  inputs: readonly GPUBuffer[],
  out: GPUBuffer,
  dims: GemmDims,
  values: Values<F>,
  /** Operands whose k…k+3 runs are contiguous and 16-byte aligned for these shapes. */
  vecAllowed: VecLoads = { a: false, b: false },
): void {
  const { M, N, K, batch, total } = dims;
  if (M === 0 || N === 0 || batch === 0 || total === 0) return;
  const tn = N <= 16 ? 1 : N <= 32 ? 2 : 4;
  const bn = 16 * tn;
  const gx = Math.ceil(M / BM);
  const gy = Math.ceil(N / bn);
  const maxDim = g.deviceLimits.maxComputeWorkgroupsPerDimension;
  if (gx > maxDim || gy > maxDim)
    throw new Error(
      `webgpu: a GEMM of ${M}×${N} exceeds the launch limit of ${maxDim} workgroups per axis`,
    );
  // Split K until the launch has a few hundred workgroups, keeping ≥ 256 of K per split.
  const tiles = gx * gy * batch;
  let splits = 1;
  if (dims.allowSplit && K >= 512 && tiles < 256) {
    splits = Math.min(64, Math.ceil(256 / tiles), Math.floor(K / 256));
    splits = Math.max(1, Math.min(splits, Math.floor(maxDim / batch)));
  }
  let kPerSplit = Math.ceil(K / splits / BK) * BK;
  splits = Math.max(1, Math.ceil(K / kPerSplit));
  if (K === 0) kPerSplit = 0;
  const all = { ...values, M, N, K, splits, kPerSplit, total } as unknown as Values<GemmFields & F>;
  if (M * N <= 64 && K >= 1024) {
    g.run(
      dotProgram(spec, inputs.length, g.subgroups),
      [...inputs, out],
      all,
      grid1d(batch * M * N, 1, maxDim),
    );
    return;
  }
  // Short K, or N too narrow to fill a 16-wide tile column (a conv with ≤ 4 channels per group
  // on the GEMM's N side): tiles would be mostly padding.
  if (K <= directMaxK() || N <= 4) {
    g.run(
      directProgram(spec, inputs.length),
      [...inputs, out],
      all,
      grid1d(batch * M * N, 64, maxDim),
    );
    return;
  }
  // vec4 loads need K (and each split's K range) to be a multiple of 4: kPerSplit is one of 16.
  const vec4 = gpuFlags.get('vec4');
  const vec: VecLoads = {
    a: vec4 && vecAllowed.a && spec.readA4 !== undefined && spec.aKFast && K % 4 === 0,
    b: vec4 && vecAllowed.b && spec.readB4 !== undefined && spec.bKFast && K % 4 === 0,
  };
  const bound = [...inputs];
  if (vec.a) bound.push(inputs[spec.readA4!.input]!);
  if (vec.b) bound.push(inputs[spec.readB4!.input]!);
  if (splits === 1) {
    g.run(gemmProgram(spec, tn, false, inputs.length, vec), [...bound, out], all, [gx, gy, batch]);
    return;
  }
  const scratch = g.scratch(splits * total);
  g.run(gemmProgram(spec, tn, true, inputs.length, vec), [...bound, scratch], all, [
    gx,
    gy,
    batch * splits,
  ]);
  g.run(sumPartsProgram, [scratch, out], { n: total, parts: splits }, grid1d(total));
  g.releaseScratch(scratch);
}
