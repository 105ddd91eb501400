import {
  type BinaryInputs,
  broadcastShapes,
  broadcastStrides,
  collapseAxes,
  type DType,
  type KernelTable,
  stridesOf,
  type TensorInfo,
  type TypedArray,
  type UnaryInputs,
} from '@igcnet/tensor/backend';
import { alloc, vals } from '../storage.js';
import { elementwiseWasm } from '../wasm/elementwise.js';
import { forEachRun } from './iter.js';

enum Bin {
  Add,
  Sub,
  Mul,
  Div,
  IntAdd,
  IntSub,
  IntMul,
  IntDiv,
  Max,
  Ge,
}

/**
 * One strided run of a binary op. Each op has its own loop (the switch sits outside it) so that
 * V8 compiles every loop monomorphically; a shared loop calling a function per element was 5–10×
 * slower.
 */
function binaryRun(
  op: Bin,
  o: TypedArray,
  oo: number,
  os: number,
  a: TypedArray,
  ao: number,
  as: number,
  b: TypedArray,
  bo: number,
  bs: number,
  len: number,
): void {
  switch (op) {
    case Bin.Add:
      for (let i = 0; i < len; i++) o[oo + i * os] = a[ao + i * as]! + b[bo + i * bs]!;
      return;
    case Bin.Sub:
      for (let i = 0; i < len; i++) o[oo + i * os] = a[ao + i * as]! - b[bo + i * bs]!;
      return;
    case Bin.Mul:
      for (let i = 0; i < len; i++) o[oo + i * os] = a[ao + i * as]! * b[bo + i * bs]!;
      return;
    case Bin.Div:
      for (let i = 0; i < len; i++) o[oo + i * os] = a[ao + i * as]! / b[bo + i * bs]!;
      return;
    case Bin.IntAdd:
      for (let i = 0; i < len; i++) o[oo + i * os] = (a[ao + i * as]! + b[bo + i * bs]!) | 0;
      return;
    case Bin.IntSub:
      for (let i = 0; i < len; i++) o[oo + i * os] = (a[ao + i * as]! - b[bo + i * bs]!) | 0;
      return;
    case Bin.IntMul:
      for (let i = 0; i < len; i++) o[oo + i * os] = Math.imul(a[ao + i * as]!, b[bo + i * bs]!);
      return;
    case Bin.IntDiv:
      for (let i = 0; i < len; i++) o[oo + i * os] = Math.floor(a[ao + i * as]! / b[bo + i * bs]!);
      return;
    case Bin.Max:
      for (let i = 0; i < len; i++) {
        const x = a[ao + i * as]!;
        const y = b[bo + i * bs]!;
        o[oo + i * os] = x >= y || Number.isNaN(x) ? x : y;
      }
      return;
    case Bin.Ge:
      for (let i = 0; i < len; i++) o[oo + i * os] = a[ao + i * as]! >= b[bo + i * bs]! ? 1 : 0;
      return;
  }
}

/** Same-shape operands: plain indexing, about 30 % faster than the strided loops (measured). */
function binaryFlat(op: Bin, o: TypedArray, a: TypedArray, b: TypedArray, n: number): void {
  if (op <= Bin.Div && o instanceof Float32Array) {
    const fa = a as Float32Array;
    const fb = b as Float32Array;
    const k = elementwiseWasm([o, fa, fb]);
    if (k) {
      // Bin.Add … Bin.Div are the wasm op codes 0 … 3.
      k.exports.ewBinary(op, fa.byteOffset, fb.byteOffset, o.byteOffset, n);
      return;
    }
  }
  switch (op) {
    case Bin.Add:
      for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
      return;
    case Bin.Sub:
      for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!;
      return;
    case Bin.Mul:
      for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!;
      return;
    case Bin.Div:
      for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!;
      return;
    default:
      binaryRun(op, o, 0, 1, a, 0, 1, b, 0, 1, n);
  }
}

/**
 * Float32 runs of `len` contiguous elements of one operand against one element of the other
 * (a per-channel scale or bias, a gradient broadcast over a plane): `side` 0 when b is the
 * repeated one. A float32-only loop with the scalar hoisted; the generic strided runs, which
 * every dtype shares, took about 7 ns per element here.
 */
function binaryRows(
  op: Bin,
  o: Float32Array,
  v: Float32Array,
  s: Float32Array,
  vStride: number,
  sStride: number,
  rows: number,
  len: number,
  side: 0 | 1,
): void {
  for (let r = 0; r < rows; r++) {
    const k = s[r * sStride]!;
    const vo = r * vStride;
    const oo = r * len;
    if (side === 1) {
      if (op === Bin.Add) for (let i = 0; i < len; i++) o[oo + i] = k + v[vo + i]!;
      else if (op === Bin.Sub) for (let i = 0; i < len; i++) o[oo + i] = k - v[vo + i]!;
      else if (op === Bin.Mul) for (let i = 0; i < len; i++) o[oo + i] = k * v[vo + i]!;
      else for (let i = 0; i < len; i++) o[oo + i] = k / v[vo + i]!;
    } else if (op === Bin.Add) for (let i = 0; i < len; i++) o[oo + i] = v[vo + i]! + k;
    else if (op === Bin.Sub) for (let i = 0; i < len; i++) o[oo + i] = v[vo + i]! - k;
    else if (op === Bin.Mul) for (let i = 0; i < len; i++) o[oo + i] = v[vo + i]! * k;
    else for (let i = 0; i < len; i++) o[oo + i] = v[vo + i]! / k;
  }
}

/**
 * Whether a collapsed broadcast is rows of contiguous elements of one float32 operand against
 * one element per row of the other (binaryRows).
 */
function rowsOfScalars(
  op: Bin,
  o: TypedArray,
  c: { shape: readonly number[]; strides: readonly (readonly number[])[] },
): boolean {
  if (op > Bin.Div || !(o instanceof Float32Array) || c.shape.length !== 2) return false;
  const [os, as, bs] = c.strides as [number[], number[], number[]];
  if (os[1] !== 1 || os[0] !== c.shape[1]) return false;
  return (as[1] === 1 && bs[1] === 0) || (as[1] === 0 && bs[1] === 1);
}

function binary(
  floatOp: Bin,
  intOp: Bin = floatOp,
  outDtype?: DType,
): (args: { inputs: BinaryInputs }) => TensorInfo {
  return ({ inputs: { a, b } }) => {
    const shape = broadcastShapes(a.shape, b.shape, 'cpu');
    const op = a.dtype === 'int32' ? intOp : floatOp;
    const { values: o, info } = alloc(shape, outDtype ?? a.dtype, false);
    const av = vals(a);
    const bv = vals(b);
    const n = o.length;
    if (av.length === n && bv.length === n) binaryFlat(op, o, av, bv, n);
    else if (bv.length === 1 && av.length === n) binaryRun(op, o, 0, 1, av, 0, 1, bv, 0, 0, n);
    else if (av.length === 1 && bv.length === n) binaryRun(op, o, 0, 1, av, 0, 0, bv, 0, 1, n);
    else {
      const c = collapseAxes(shape, [
        stridesOf(shape),
        broadcastStrides(a.shape, shape),
        broadcastStrides(b.shape, shape),
      ]);
      if (rowsOfScalars(op, o, c)) {
        const [, [ar, ai], [br, bi]] = c.strides as [number[], number[], number[]];
        const rows = c.shape[0]!;
        const len = c.shape[1]!;
        const fa = av as Float32Array;
        const fb = bv as Float32Array;
        if (bi === 0 && ai === 1) binaryRows(op, o as Float32Array, fa, fb, ar!, br!, rows, len, 0);
        else binaryRows(op, o as Float32Array, fb, fa, br!, ar!, rows, len, 1);
        return info;
      }
      forEachRun(c.shape, c.strides, ([oo, ao, bo], len, [os, as, bs]) => {
        binaryRun(op, o, oo!, os!, av, ao!, as!, bv, bo!, bs!, len);
      });
    }
    return info;
  };
}

enum Un {
  Neg,
  Relu,
  Step,
  Exp,
  Log,
  Sqrt,
  Square,
}

function unaryLoop(op: Un, x: TypedArray, o: TypedArray): void {
  const n = o.length;
  switch (op) {
    case Un.Neg:
      for (let i = 0; i < n; i++) o[i] = -x[i]!;
      return;
    case Un.Relu:
      // int32 only: float32 takes reluBits.
      for (let i = 0; i < n; i++) o[i] = Math.max(x[i]!, 0);
      return;
    case Un.Step:
      for (let i = 0; i < n; i++) o[i] = x[i]! > 0 ? 1 : 0;
      return;
    case Un.Exp:
      for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!);
      return;
    case Un.Log:
      for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!);
      return;
    case Un.Sqrt:
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!);
      return;
    case Un.Square:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        o[i] = v * v;
      }
      return;
  }
}

/**
 * max(x, 0) of one float32's bits, branch-free (a float compare mispredicts on a ReLU input's
 * mixed signs: the mask was 3.5× faster). Negative values and −0 become +0; every NaN is kept,
 * including the negative-signed ones x86 SIMD arithmetic produces.
 */
export function reluOfBits(v: number): number {
  const nan = (0x7f800000 - (v & 0x7fffffff)) >> 31;
  return v & (~(v >> 31) | nan);
}

/** ReLU of float32 values on their bits (see `reluOfBits`). */
function reluBits(x: Float32Array, o: Float32Array): void {
  const k = elementwiseWasm([o, x]);
  if (k) {
    k.exports.ewRelu(x.byteOffset, o.byteOffset, x.length);
    return;
  }
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(o.buffer, o.byteOffset, o.length);
  for (let i = 0; i < xi.length; i++) oi[i] = reluOfBits(xi[i]!);
}

/**
 * Step (x > 0 ? 1 : 0) on the bits of float32 values, branch-free: a float compare mispredicts on
 * about half of the values of a ReLU's input and made ReLU's backward pass several times slower.
 * As int32, x > 0 exactly for bits in (0, 0x7f800000] (positive finite and +∞; not ±0, negative
 * values or NaN): both −b and b − 0x7f800001 are then negative, so the AND has its sign bit set.
 */
function stepBits(x: Float32Array, o: Float32Array): void {
  const k = elementwiseWasm([o, x]);
  if (k) {
    k.exports.ewStep(x.byteOffset, o.byteOffset, x.length);
    return;
  }
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(o.buffer, o.byteOffset, o.length);
  for (let i = 0; i < xi.length; i++) {
    const b = xi[i]!;
    oi[i] = (((-b | 0) & ((b - 0x7f800001) | 0)) >> 31) & 0x3f800000;
  }
}

function unary(op: Un): (args: { inputs: UnaryInputs }) => TensorInfo {
  return ({ inputs: { x } }) => {
    const { values: o, info } = alloc(x.shape, x.dtype, false);
    if (op === Un.Relu && x.dtype === 'float32') {
      reluBits(vals(x) as Float32Array, o as Float32Array);
      return info;
    }
    if (op === Un.Step && x.dtype === 'float32') {
      stepBits(vals(x) as Float32Array, o as Float32Array);
      return info;
    }
    unaryLoop(op, vals(x), o);
    // int32 negation and squaring wrap like Math.imul rather than round through float.
    if (x.dtype === 'int32' && op === Un.Square) {
      const xv = vals(x);
      for (let i = 0; i < o.length; i++) o[i] = Math.imul(xv[i]!, xv[i]!);
    }
    return info;
  };
}

/** Copies `src` into `o`, truncating toward zero into int32. */
function convert(src: TypedArray, o: TypedArray): void {
  if (o instanceof Int32Array && !(src instanceof Int32Array)) {
    for (let i = 0; i < o.length; i++) o[i] = Math.trunc(src[i]!);
  } else {
    o.set(src);
  }
}

/** A new tensor of `dtype` holding `x`'s values. */
function copyOf(x: TensorInfo, dtype: DType): TensorInfo {
  const { values, info } = alloc(x.shape, dtype, false);
  convert(vals(x), values);
  return info;
}

/** Elementwise kernels of the CPU backend. */
export const elementwiseKernels: KernelTable = {
  Add: binary(Bin.Add, Bin.IntAdd),
  Sub: binary(Bin.Sub, Bin.IntSub),
  Mul: binary(Bin.Mul, Bin.IntMul),
  Div: binary(Bin.Div, Bin.IntDiv),
  Maximum: binary(Bin.Max),
  GreaterEqual: binary(Bin.Ge, Bin.Ge, 'float32'),
  Neg: unary(Un.Neg),
  Relu: unary(Un.Relu),
  Step: unary(Un.Step),
  Exp: unary(Un.Exp),
  Log: unary(Un.Log),
  Sqrt: unary(Un.Sqrt),
  Square: unary(Un.Square),
  PowScalar: ({ inputs: { x }, attrs: { exponent } }) => {
    const xv = vals(x);
    const { values: o, info } = alloc(x.shape, x.dtype);
    for (let i = 0; i < o.length; i++) o[i] = xv[i]! ** exponent;
    return info;
  },
  Cast: ({ inputs: { x }, attrs: { dtype } }) => copyOf(x, dtype),
  Identity: ({ inputs: { x } }) => copyOf(x, x.dtype),
};
