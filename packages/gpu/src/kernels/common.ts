/** Helpers shared by the kernel families: launch grids, index math and WGSL snippets. */
import type { WebGpuBackend } from '../backend.js';

/** The backend a kernel runs on (the engine hands kernels the backend as the contract type). */
export function gpu(b: unknown): WebGpuBackend {
  return b as WebGpuBackend;
}

/** Threads per workgroup of the 1-D (elementwise) kernels. */
export const WG = 256;

/** A 1-D launch of `n` threads as a 2-D grid that respects the 65 535 workgroups-per-axis limit. */
export function grid1d(n: number, wg = WG, maxPerDim = 65535): [number, number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y, 1];
}

/** WGSL: the linear thread index `i` of a `grid1d` launch. */
export const LINEAR_INDEX = 'let i = i32(gid.x + gid.y * nwg.x * WG);';
/** WGSL: the builtins a `grid1d` kernel's entry point takes. */
export const LINEAR_ARGS =
  '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>';

/** WGSL element type of a dtype. */
export function wgslType(dtype: string): 'f32' | 'i32' {
  return dtype === 'int32' ? 'i32' : 'f32';
}

/** WGSL storage binding declaration. */
export function storage(binding: number, name: string, type: string, write = false): string {
  return `@group(0) @binding(${binding}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;\n`;
}

/** [0, 1, …, n − 1]: the unrolled indices of a WGSL template. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, j) => j);
}

/**
 * WGSL: infinities and NaN. A `let` keeps them out of constant evaluation, which rejects
 * non-finite values; NaN is tested on the bits, since WGSL lets compilers assume `v != v` false.
 */
export const SPECIAL_FLOATS = `fn posInf() -> f32 { let b = 0x7f800000u; return bitcast<f32>(b); }
fn negInf() -> f32 { let b = 0xff800000u; return bitcast<f32>(b); }
fn qNaN() -> f32 { let b = 0x7fc00000u; return bitcast<f32>(b); }
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
`;

/** WGSL: the directive a subgroup variant's module must open with (empty for the other). */
export function enableSubgroups(on: boolean): string {
  return on ? 'enable subgroups;\n' : '';
}

/** What `groupReduce` combines with. */
export type GroupOp = 'add' | 'max';

/** A type `groupReduce` reduces. */
export type GroupType = 'f32' | 'i32' | 'vec2<f32>';

function groupIdentity(op: GroupOp, t: GroupType): string {
  if (op === 'add') return t === 'i32' ? '0' : `${t}(0.0)`;
  if (t === 'i32') return 'i32(-2147483647 - 1)';
  if (t === 'f32') return 'negInf()';
  throw new Error(`webgpu: no max over ${t}`);
}

/**
 * WGSL: `fn NAME(lid: u32, v: T) -> T`, the sum or maximum of `v` over the `wg` invocations of
 * a workgroup (`lid`: the local index), returned to every invocation. Every invocation
 * calls it in uniform control flow, once per dispatch (its workgroup array is not reused, which
 * spares a trailing barrier). An f32 max propagates NaN, as the CPU's does (the module needs
 * SPECIAL_FLOATS).
 *
 * Without subgroups it is a barrier tree: log2(wg) + 1 barriers. With them (the module opens
 * with `enableSubgroups(true)`), each subgroup reduces in registers, one lane of it writes the
 * partial to workgroup memory, and after one barrier every subgroup reduces the partials again,
 * each lane reading a strided share. Lanes are ranked by an exclusive scan rather than by
 * `subgroup_invocation_id` and the subgroup's size, because a subgroup may be partly filled (a
 * size of 128 on a 64-invocation workgroup, or one that does not divide it) and which of its
 * lanes are then active is not specified: the strided reads cover all `wg` slots for any size
 * and any mapping of invocations to subgroups. An f32 max is taken on order-preserving u32 keys,
 * since subgroupMax leaves NaN unspecified.
 */
export function groupReduce(
  name: string,
  t: GroupType,
  op: GroupOp,
  wg: number,
  subgroups: boolean,
): string {
  if (wg & (wg - 1)) throw new Error(`webgpu: groupReduce needs a power-of-two size, got ${wg}`);
  const part = `${name}_part`;
  const id = groupIdentity(op, t);
  if (!subgroups) {
    const combine =
      op === 'add' ? 'a + b' : t === 'f32' ? 'select(a, b, b > a || isNan(b))' : 'max(a, b)';
    return `var<workgroup> ${part}: array<${t}, ${wg}>;
fn ${name}_combine(a: ${t}, b: ${t}) -> ${t} { return ${combine}; }
fn ${name}(lid: u32, v: ${t}) -> ${t} {
  ${part}[lid] = v;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${part}[lid] = ${name}_combine(${part}[lid], ${part}[lid + s]); }
    workgroupBarrier();
  }
  return ${part}[0];
}
`;
  }
  // The subgroup builtin, the type it runs on, and the conversions to and from it.
  const keyed = op === 'max' && t === 'f32';
  const st = keyed ? 'u32' : t;
  const sop = op === 'add' ? 'subgroupAdd' : 'subgroupMax';
  const sid = keyed ? '0u' : id;
  const step = op === 'add' ? `acc + ${part}[k]` : `max(acc, ${part}[k])`;
  const keys = keyed
    ? `fn ${name}_key(v: f32) -> u32 {
  let b = select(bitcast<u32>(v), 0x7fc00000u, isNan(v));
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}
fn ${name}_val(k: u32) -> f32 { return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u)); }
`
    : '';
  return `var<workgroup> ${part}: array<${st}, ${wg}>;
${keys}fn ${name}(lid: u32, v: ${t}) -> ${t} {
  let rank = subgroupExclusiveAdd(1u);
  let lanes = subgroupAdd(1u);
  let s = ${sop}(${keyed ? `${name}_key(v)` : 'v'});
  ${part}[lid] = select(${sid}, s, rank == 0u);
  workgroupBarrier();
  var acc: ${st} = ${sid};
  for (var k = rank; k < ${wg}u; k += lanes) { acc = ${step}; }
  let r = ${sop}(acc);
  return ${keyed ? `${name}_val(r)` : 'r'};
}
`;
}
