/** Helpers shared by the kernel families: launch grids, index math and WGSL snippets. */
import type { TensorInfo } from '@igcnet/tensor';
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

/** Number of elements of a tensor. */
export function count(t: { shape: readonly number[] }): number {
  let n = 1;
  for (const d of t.shape) n *= d;
  return n;
}

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * Merges adjacent axes that every operand walks contiguously and drops size-1 axes, so that the
 * strided kernels see at most MAX_RANK axes. `st` are element strides per operand.
 */
export function collapse(
  shape: readonly number[],
  st: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = st.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && st.every((s, k) => out[k]![last] === s[i]! * d)) {
      dims[last] = dims[last]! * d;
      st.forEach((s, k) => {
        out[k]![last] = s[i]!;
      });
    } else {
      dims.push(d);
      st.forEach((s, k) => {
        out[k]!.push(s[i]!);
      });
    }
  }
  return { shape: dims, strides: out };
}

/** Shape of the info, as a mutable array. */
export function shapeOf(t: TensorInfo): number[] {
  return [...t.shape];
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
