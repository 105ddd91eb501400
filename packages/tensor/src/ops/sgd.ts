import type { SGDAttrs } from '../core/kernel_names.js';
import { fmtShape, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { ENGINE } from '../engine/engine.js';

/**
 * The fused SGD step, in place on `param` and `velocity` (see the SGDUpdate kernel for the
 * formula; it matches PyTorch's SGD with momentum, dampening, Nesterov and weight decay).
 */
export function sgdUpdate(
  param: Variable,
  grad: Tensor,
  velocity: Variable,
  attrs: Partial<SGDAttrs> & { lr: number },
): void {
  const op = 'sgdUpdate';
  for (const [name, t] of [
    ['grad', grad],
    ['velocity', velocity],
  ] as const) {
    if (!shapesEqual(t.shape, param.shape)) {
      throw new Error(
        `${op}: '${name}' has shape ${fmtShape(t.shape)}, param '${param.name}' has ${fmtShape(param.shape)}`,
      );
    }
    if (t.dtype !== 'float32') throw new Error(`${op}: '${name}' must be float32`);
  }
  if (param.dtype !== 'float32') throw new Error(`${op}: param '${param.name}' must be float32`);
  const full: SGDAttrs = {
    lr: attrs.lr,
    momentum: attrs.momentum ?? 0,
    dampening: attrs.dampening ?? 0,
    weightDecay: attrs.weightDecay ?? 0,
    nesterov: attrs.nesterov ?? false,
  };
  if (full.nesterov && (full.momentum <= 0 || full.dampening !== 0)) {
    throw new Error(`${op}: Nesterov momentum needs momentum > 0 and dampening 0`);
  }
  if (ENGINE.refCount(param.dataId) > 1 || ENGINE.refCount(velocity.dataId) > 1) {
    // Another tensor shares the storage (e.g. a value assigned earlier): write into a private copy.
    for (const v of [param, velocity]) {
      if (ENGINE.refCount(v.dataId) > 1) {
        const copy = ENGINE.runKernel('Identity', { x: v }, {})[0]!;
        v.assign(copy);
        copy.dispose();
      }
    }
  }
  ENGINE.noGrad(() => ENGINE.runKernel('SGDUpdate', { param, grad, velocity }, full));
}
