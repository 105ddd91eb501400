import { assertDType, type DType, type TypedArray } from '../core/dtype.js';
import { assertShape, fmtShape, type Shape, sizeOf } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { ENGINE } from '../engine/engine.js';
import { globalRng, Random } from '../random/prng.js';

/** Nested arrays of numbers. */
export type NestedArray = number | readonly NestedArray[];

function flatten(v: NestedArray, out: number[], shape: number[], depth: number): void {
  if (typeof v === 'number') {
    if (depth !== shape.length && shape.length > 0) throw new Error('tensor: ragged nested array');
    out.push(v);
    return;
  }
  if (shape.length === depth) shape.push(v.length);
  else if (shape[depth] !== v.length)
    throw new Error(`tensor: ragged nested array at depth ${depth}`);
  for (const x of v) flatten(x, out, shape, depth + 1);
}

/**
 * Makes a tensor from a typed array, a flat array with a shape, or nested arrays.
 * @param dtype defaults to int32 for an Int32Array, float32 otherwise.
 */
export function tensor(values: TypedArray | NestedArray, shape?: Shape, dtype?: DType): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (values instanceof Float32Array || values instanceof Int32Array) {
    flat = values;
    inferred = [values.length];
    dtype ??= values instanceof Int32Array ? 'int32' : 'float32';
  } else {
    const out: number[] = [];
    inferred = [];
    flatten(values, out, inferred, 0);
    flat = out;
  }
  dtype ??= 'float32';
  assertDType(dtype, 'tensor');
  const s = shape ?? inferred;
  assertShape(s, 'tensor');
  if (sizeOf(s) !== flat.length) {
    throw new Error(
      `tensor: ${flat.length} values do not fill shape ${fmtShape(s)} (${sizeOf(s)} elements)`,
    );
  }
  const arr = dtype === 'int32' ? Int32Array.from(flat) : Float32Array.from(flat);
  return ENGINE.fromValues(arr, s, dtype);
}

/** A rank-0 tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(dtype === 'int32' ? Int32Array.of(value) : Float32Array.of(value), [], dtype);
}

/** A tensor with every element equal to `value`. */
export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  assertShape(shape, 'full');
  assertDType(dtype, 'full');
  return ENGINE.filled(shape, value, dtype);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

/** Zeros shaped like `t`. */
export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, t.dtype);
}

/** Ones shaped like `t`. */
export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, t.dtype);
}

/** Integers start, start+1, …, end−1 as int32 (or float32). */
export function arange(start: number, end: number, dtype: DType = 'int32'): Tensor {
  const n = Math.max(0, Math.ceil(end - start));
  const arr = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) arr[i] = start + i;
  return ENGINE.fromValues(arr, [n], dtype);
}

/** Options of the random ops: a seed makes a fresh stream; without one the global stream runs. */
export interface RandomOptions {
  seed?: number;
  /** A stream to draw from (takes precedence over `seed`). */
  rng?: Random;
}

function pickRng(opts: RandomOptions): Random {
  return opts.rng ?? (opts.seed !== undefined ? new Random(opts.seed) : globalRng());
}

/** Uniform samples in [min, max). Generated on the host, so every backend gets the same numbers. */
export function randomUniform(
  shape: Shape,
  opts: RandomOptions & { min?: number; max?: number } = {},
): Tensor {
  assertShape(shape, 'randomUniform');
  const { min = 0, max = 1 } = opts;
  const rng = pickRng(opts);
  const arr = new Float32Array(sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = min + (max - min) * rng.uniform();
  return ENGINE.fromValues(arr, shape, 'float32');
}

/** Normal samples. Generated on the host, so every backend gets the same numbers. */
export function randomNormal(
  shape: Shape,
  opts: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  assertShape(shape, 'randomNormal');
  const { mean = 0, std = 1 } = opts;
  const rng = pickRng(opts);
  const arr = new Float32Array(sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = mean + std * rng.normal();
  return ENGINE.fromValues(arr, shape, 'float32');
}

/**
 * He (MSRA) normal initialisation for a conv weight [Cout, Cin/groups, kh, kw] (or a linear
 * weight [out, in]): std = √(2 / fan_in) with fan_in = Cin/groups·kh·kw, as the official IGC code.
 */
export function heNormal(shape: Shape, opts: RandomOptions = {}): Tensor {
  if (shape.length < 2)
    throw new Error(`heNormal: shape ${fmtShape(shape)} needs rank ≥ 2 ([out, in, ...kernel])`);
  const fanIn = sizeOf(shape.slice(1));
  if (fanIn === 0) throw new Error(`heNormal: shape ${fmtShape(shape)} has fan_in 0`);
  return randomNormal(shape, { ...opts, mean: 0, std: Math.sqrt(2 / fanIn) });
}
