/**
 * Shapes and scalars travel in one uniform struct per dispatch. A kernel declares its fields once;
 * the same declaration gives the WGSL struct and packs the values, so the two cannot disagree.
 */

/** Field types: 4-byte scalars, or `vec` = array<vec4<i32>, 2> (8 ints, for shapes and strides). */
export type FieldType = 'i32' | 'u32' | 'f32' | 'vec';
export type Fields = Readonly<Record<string, FieldType>>;
export type Values<F extends Fields> = {
  [K in keyof F]: F[K] extends 'vec' ? readonly number[] : number;
};

/** Largest rank the strided kernels handle (after collapsing axes). */
export const MAX_RANK = 8;

function ordered(fields: Fields): [string, FieldType][] {
  // Vectors first: they need 16-byte alignment; scalars then pack tightly.
  const e = Object.entries(fields);
  return [...e.filter(([, t]) => t === 'vec'), ...e.filter(([, t]) => t !== 'vec')];
}

/** The WGSL struct `P` and the binding that holds it. */
export function wgslUniforms(fields: Fields, binding: number): string {
  const members = ordered(fields).map(
    ([n, t]) => `  ${n}: ${t === 'vec' ? 'array<vec4<i32>, 2>' : t},`,
  );
  if (members.length === 0) members.push('  unused: u32,');
  return `struct Params {\n${members.join('\n')}\n}\n@group(0) @binding(${binding}) var<uniform> P: Params;\n`;
}

/** Byte size of the struct, rounded up to 16. */
export function uniformBytes(fields: Fields): number {
  let words = 0;
  for (const [, t] of ordered(fields)) words += t === 'vec' ? 8 : 1;
  return Math.max(16, Math.ceil((words * 4) / 16) * 16);
}

/** Packs values into `out` at word offset `at`, in the struct's order. */
export function packUniforms<F extends Fields>(
  fields: F,
  values: Values<F>,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  at: number,
): void {
  let w = at;
  const v = values as Record<string, number | readonly number[]>;
  for (const [name, t] of ordered(fields)) {
    const x = v[name];
    if (x === undefined) throw new Error(`webgpu: uniform '${name}' has no value`);
    if (t === 'vec') {
      const arr = x as readonly number[];
      for (let i = 0; i < 8; i++) i32[w + i] = arr[i] ?? 0;
      w += 8;
    } else {
      const s = x as number;
      if (t === 'i32') i32[w] = s;
      else if (t === 'u32') u32[w] = s >>> 0;
      else f32[w] = s;
      w++;
    }
  }
}

/** WGSL: the d-th entry of a `vec` field. */
export function vecAt(field: string, d: string): string {
  return `P.${field}[(${d}) / 4][(${d}) % 4]`;
}
