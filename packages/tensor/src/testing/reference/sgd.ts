/** Hyper-parameters of one SGD step, as PyTorch's `torch.optim.SGD`. */
export interface RefSgdAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * One step of PyTorch's SGD, in place, written as its documentation states it. The first-step
 * special case (v = g) is not part of the kernel contract, so it is not here either.
 */
export function sgdStep(
  param: Float64Array,
  grad: Float64Array,
  velocity: Float64Array,
  a: RefSgdAttrs,
): void {
  for (let i = 0; i < param.length; i++) {
    let g = grad[i]! + a.weightDecay * param[i]!;
    if (a.momentum !== 0) {
      velocity[i] = a.momentum * velocity[i]! + (1 - a.dampening) * g;
      g = a.nesterov ? g + a.momentum * velocity[i]! : velocity[i]!;
    }
    param[i] = param[i]! - a.lr * g;
  }
}
