import { assertDType, type DType } from '../core/dtype.js';
import { broadcastShapes, fmtShape, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { assertFloat, assertTensor, asTensor, run, type TensorLike } from './util.js';

type BinaryKernel = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Maximum' | 'GreaterEqual';

function binary(name: BinaryKernel, op: string, a: TensorLike, b: TensorLike): Tensor {
  if (typeof a === 'number' && typeof b === 'number')
    throw new Error(`${op}: at least one operand must be a Tensor`);
  const dtype: DType = typeof a === 'number' ? (b as Tensor).dtype : a.dtype;
  const ta = asTensor(a, dtype);
  const tb = asTensor(b, dtype);
  assertTensor(ta, op, 'a');
  assertTensor(tb, op, 'b');
  if (ta.dtype !== tb.dtype)
    throw new Error(`${op}: operands have dtypes ${ta.dtype} and ${tb.dtype}; cast one first`);
  broadcastShapes(ta.shape, tb.shape, op);
  const out = run(name, { a: ta, b: tb }, {});
  if (ta !== a) ta.dispose();
  if (tb !== b) tb.dispose();
  return out;
}

/** a + b, broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('Add', 'add', a, b);
}
/** a − b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('Sub', 'sub', a, b);
}
/** a · b, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('Mul', 'mul', a, b);
}
/** a / b, broadcasting; floor division on int32. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary('Div', 'div', a, b);
}
/** Elementwise maximum, broadcasting. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('Maximum', 'maximum', a, b);
}
/** 1 where a ≥ b, else 0, as float32. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return binary('GreaterEqual', 'greaterEqual', a, b);
}

type UnaryKernel = 'Neg' | 'Relu' | 'Step' | 'Exp' | 'Log' | 'Sqrt' | 'Square' | 'Identity';

function unary(name: UnaryKernel, op: string, x: Tensor, floatOnly: boolean): Tensor {
  assertTensor(x, op, 'x');
  if (floatOnly) assertFloat(x, op, 'x');
  return run(name, { x }, {});
}

/** −x. */
export function neg(x: Tensor): Tensor {
  return unary('Neg', 'neg', x, false);
}
/** max(x, 0). */
export function relu(x: Tensor): Tensor {
  return unary('Relu', 'relu', x, false);
}
/** 1 where x > 0, else 0. */
export function step(x: Tensor): Tensor {
  return unary('Step', 'step', x, false);
}
/** eˣ. */
export function exp(x: Tensor): Tensor {
  return unary('Exp', 'exp', x, true);
}
/** Natural logarithm. */
export function log(x: Tensor): Tensor {
  return unary('Log', 'log', x, true);
}
/** √x. */
export function sqrt(x: Tensor): Tensor {
  return unary('Sqrt', 'sqrt', x, true);
}
/** x². */
export function square(x: Tensor): Tensor {
  return unary('Square', 'square', x, false);
}
/** A copy of x in fresh storage. */
export function clone(x: Tensor): Tensor {
  return unary('Identity', 'clone', x, false);
}
/** xᵖ for a scalar exponent p. */
export function pow(x: Tensor, exponent: number): Tensor {
  assertTensor(x, 'pow', 'x');
  assertFloat(x, 'pow', 'x');
  if (!Number.isFinite(exponent)) throw new Error(`pow: exponent must be finite, got ${exponent}`);
  return run('PowScalar', { x }, { exponent });
}
/** Converts to another dtype; float → int32 truncates toward zero. */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor(x, 'cast', 'x');
  assertDType(dtype, 'cast');
  return run('Cast', { x }, { dtype });
}

function checkBounds(op: string, min: number, max: number): void {
  if (Number.isNaN(min) || Number.isNaN(max) || !(min <= max))
    throw new Error(`${op}: needs min ≤ max (neither NaN), got min ${min} and max ${max}`);
}

/**
 * min(max(x, min), max), elementwise, on float32; NaN stays NaN. Its gradient passes dy where
 * min < x < max and is 0 elsewhere (as PyTorch's hardtanh).
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  assertTensor(x, 'clip', 'x');
  assertFloat(x, 'clip', 'x');
  checkBounds('clip', min, max);
  return run('Clip', { x }, { min, max });
}

/** ReLU6: min(max(x, 0), 6), the activation of MobileNetV2 and IGCV3 (MXNet's clip(0, 6)). */
export function relu6(x: Tensor): Tensor {
  return clip(x, 0, 6);
}

/** dy where min < x < max, else 0: the gradient of `clip` for upstream gradient dy. */
export function clipGrad(dy: Tensor, x: Tensor, min: number, max: number): Tensor {
  assertTensor(dy, 'clipGrad', 'dy');
  assertTensor(x, 'clipGrad', 'x');
  assertFloat(dy, 'clipGrad', 'dy');
  assertFloat(x, 'clipGrad', 'x');
  if (!shapesEqual(dy.shape, x.shape))
    throw new Error(
      `clipGrad: 'dy' ${fmtShape(dy.shape)} and 'x' ${fmtShape(x.shape)} must have the same shape`,
    );
  checkBounds('clipGrad', min, max);
  return run('ClipGrad', { dy, x }, { min, max });
}
