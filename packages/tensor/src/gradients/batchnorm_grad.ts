import type { Tensor } from '../core/tensor.js';
import { ENGINE, registerGradient } from '../engine/engine.js';
import { add, div, mul, sqrt, step, sub } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { sum } from '../ops/reduction.js';

/** Axes BN reduces over, and the shape that broadcasts a [C] vector against x. */
function bnAxes(x: Tensor): { axes: number[]; bshape: number[] } {
  const c = x.shape[1]!;
  return x.rank === 4 ? { axes: [0, 2, 3], bshape: [1, c, 1, 1] } : { axes: [0], bshape: [1, c] };
}

registerGradient('BatchNormTrain', ([dy], { x, gamma }, [, mean, variance], { eps }) => {
  const [dx, dgamma, dbeta] = ENGINE.runKernel(
    'BatchNormTrainGrad',
    { dy: dy!, x, gamma, mean: mean!, variance: variance! },
    { eps },
  ) as [Tensor, Tensor, Tensor];
  return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
});

registerGradient('BatchNormTrainGrad', () => ({}));

// One kernel where the backend has it; else the ReLU mask (Step, Mul) and BatchNormTrainGrad.
registerGradient('BatchNormReluTrain', ([dy], { x, gamma }, [y, mean, variance], { eps }) => {
  let outs: Tensor[];
  if (ENGINE.backend().kernels.BatchNormReluTrainGrad !== undefined) {
    outs = ENGINE.runKernel(
      'BatchNormReluTrainGrad',
      { dy: dy!, y: y!, x, gamma, mean: mean!, variance: variance! },
      { eps },
    );
  } else {
    const mask = step(y!);
    const dz = mul(dy!, mask);
    mask.dispose();
    outs = ENGINE.runKernel(
      'BatchNormTrainGrad',
      { dy: dz, x, gamma, mean: mean!, variance: variance! },
      { eps },
    );
    dz.dispose();
  }
  const [dx, dgamma, dbeta] = outs as [Tensor, Tensor, Tensor];
  return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
});

registerGradient('BatchNormReluTrainGrad', () => ({}));

registerGradient('BatchNormInfer', ([dy], { x, gamma, mean: m, variance }, _out, { eps }) => {
  const { axes, bshape } = bnAxes(x);
  const invStd = div(1, sqrt(add(reshape(variance, bshape), eps)));
  const g = dy!;
  return {
    x: () => mul(g, mul(reshape(gamma, bshape), invStd)),
    gamma: () => sum(mul(g, mul(sub(x, reshape(m, bshape)), invStd)), axes),
    beta: () => sum(g, axes),
  };
});
