import { ENGINE } from '../engine/engine.js';
import { fmtShape, shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

let nextVarId = 0;

/**
 * A mutable tensor that holds a parameter or a buffer. Scopes never free it; `dispose` does.
 * `assign` replaces its value; optimizers update it in place.
 */
export class Variable extends Tensor {
  /** Name, unique unless given. */
  name = `variable_${nextVarId++}`;
  /** Whether optimizers and `trainableVariables` consider it. */
  trainable = true;

  override get isVariable(): boolean {
    return true;
  }

  /** Takes the value of `t` (same shape and dtype); `t` stays usable. */
  assign(t: Tensor): void {
    this.assertAlive('assign');
    if (!shapesEqual(t.shape, this.shape) || t.dtype !== this.dtype) {
      throw new Error(
        `assign: variable '${this.name}' is ${fmtShape(this.shape)} ${this.dtype}, got ${fmtShape(t.shape)} ${t.dtype}`,
      );
    }
    if (t.backend !== this.backend) {
      throw new Error(
        `assign: variable '${this.name}' lives on '${this.backend.name}', value on '${t.backend.name}'`,
      );
    }
    ENGINE.swapData(this, t.dataId);
  }
}

/**
 * Makes a variable holding a copy of `initial`.
 * @param initial the starting value; it is copied, so the caller may free it.
 */
export function variable(
  initial: Tensor,
  opts: { name?: string; trainable?: boolean } = {},
): Variable {
  const copy = ENGINE.runKernel('Identity', { x: initial }, {})[0]!;
  const v = ENGINE.makeTensor(copy, copy.backend, Variable) as Variable;
  copy.dispose();
  if (opts.name !== undefined) v.name = opts.name;
  if (opts.trainable !== undefined) v.trainable = opts.trainable;
  return v;
}
