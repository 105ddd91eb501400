import type { DType } from '../core/dtype.js';
import type { KernelAttrs, KernelName } from '../core/kernel_names.js';
import { fmtShape, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { ENGINE, type TensorInputs } from '../engine/engine.js';

/** A tensor, or a number standing for a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Runs a single-output kernel. */
export function run<K extends KernelName>(
  name: K,
  inputs: TensorInputs<K>,
  attrs: KernelAttrs<K>,
): Tensor {
  return ENGINE.runKernel(name, inputs, attrs)[0]!;
}

/** Turns a number into a scalar tensor of `dtype`. */
export function asTensor(x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  const v = dtype === 'int32' ? Int32Array.of(x) : Float32Array.of(x);
  return ENGINE.fromValues(v, [], dtype);
}

/** Throws unless `t` is a live tensor. */
export function assertTensor(t: unknown, op: string, name: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: '${name}' must be a Tensor, got ${typeof t}`);
  t.assertAlive(op);
}

/** Throws unless `t` has rank `rank`. */
export function assertRank(t: Tensor, rank: number, op: string, name: string, layout = ''): void {
  if (t.rank !== rank) {
    throw new Error(
      `${op}: '${name}' must have rank ${rank}${layout ? ` (${layout})` : ''}, got shape ${fmtShape(t.shape)}`,
    );
  }
}

/** Throws unless `t` is float32. */
export function assertFloat(t: Tensor, op: string, name: string): void {
  if (t.dtype !== 'float32') throw new Error(`${op}: '${name}' must be float32, got ${t.dtype}`);
}

/** Resolves a `-1` in a target shape and checks the element count. */
export function inferShape(shape: Shape, size: number, op: string): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1)
    throw new Error(`${op}: shape ${fmtShape(shape)} has more than one -1`);
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (neg >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new Error(`${op}: cannot infer -1 in ${fmtShape(shape)} for ${size} elements`);
    }
    out[neg] = size / known;
  }
  for (const d of out) {
    if (!Number.isInteger(d) || d < 0)
      throw new Error(`${op}: invalid dimension ${d} in ${fmtShape(shape)}`);
  }
  const n = out.reduce((p, d) => p * d, 1);
  if (n !== size)
    throw new Error(`${op}: cannot view ${size} elements as ${fmtShape(shape)} (${n} elements)`);
  return out;
}
