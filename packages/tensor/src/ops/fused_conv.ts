import { fmtShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { ENGINE } from '../engine/engine.js';
import { type Conv2DOptions, conv2d, planConv2d } from './conv.js';
import { relu } from './elementwise.js';
import { assertFloat, assertRank, assertTensor, run } from './util.js';

/** Batch norm with fixed statistics, as `batchNorm(…, { training: false })` applies it. */
export interface InferenceBatchNorm {
  gamma: Tensor;
  beta: Tensor;
  /** Running mean, [Cout]. */
  mean: Tensor;
  /** Running (unbiased) variance, [Cout]. */
  variance: Tensor;
  /** Added to the variance, default 1e-5. */
  eps?: number;
}

/** Options of `fusedConv2d`: those of `conv2d`, plus what follows the conv. */
export interface FusedConv2DOptions extends Conv2DOptions {
  /** Batch norm with running statistics, per channel of the conv's (shuffled) output. */
  bn?: InferenceBatchNorm;
  /** ReLU after the batch norm (or after the conv when there is none). */
  relu?: boolean;
}

/**
 * relu?(bn?(conv2d(x, weight, opts))): a convolution with the batch norm (inference, running
 * statistics) and ReLU that follow it in a network, as one kernel (`FusedConv2D`) when nothing
 * is recorded, so a backend can apply them in the conv's epilogue. While a gradient is being
 * recorded it runs the same ops one by one, so it is always differentiable; the values agree
 * either way. The BN parameters index the channels of conv2d's result, after `outShuffle`.
 */
export function fusedConv2d(x: Tensor, weight: Tensor, opts: FusedConv2DOptions = {}): Tensor {
  const op = 'fusedConv2d';
  assertTensor(x, op, 'x');
  assertTensor(weight, op, 'weight');
  assertRank(x, 4, op, 'x', 'N, C, H, W');
  assertRank(weight, 4, op, 'weight', 'Cout, Cin/groups, kh, kw');
  assertFloat(x, op, 'x');
  assertFloat(weight, op, 'weight');
  const { bias, bn, relu: withRelu, ...convOpts } = opts;
  const attrs = planConv2d(x.shape, weight.shape, convOpts, op);
  const cout = weight.shape[0]!;
  const vector = (t: Tensor | undefined, name: string): void => {
    if (t === undefined) return;
    assertTensor(t, op, name);
    assertFloat(t, op, name);
    if (t.rank !== 1 || t.shape[0] !== cout) {
      throw new Error(
        `${op}: '${name}' must have shape [${cout}] for ${cout} output channels, got ${fmtShape(t.shape)}`,
      );
    }
  };
  vector(bias, 'bias');
  const eps = bn?.eps ?? 1e-5;
  if (bn !== undefined) {
    vector(bn.gamma, 'bn.gamma');
    vector(bn.beta, 'bn.beta');
    vector(bn.mean, 'bn.mean');
    vector(bn.variance, 'bn.variance');
    if (!(eps > 0)) throw new Error(`${op}: bn.eps must be > 0, got ${eps}`);
  }
  if (ENGINE.recording()) return composed(x, weight, opts, eps);
  return run(
    'FusedConv2D',
    {
      x,
      w: weight,
      ...(bias ? { bias } : {}),
      ...(bn ? { gamma: bn.gamma, beta: bn.beta, mean: bn.mean, variance: bn.variance } : {}),
    },
    { ...attrs, eps, relu: withRelu === true },
  );
}

/** The same result from the differentiable ops (the tape defers the frees it still needs). */
function composed(x: Tensor, weight: Tensor, opts: FusedConv2DOptions, eps: number): Tensor {
  const { bn, relu: withRelu, ...convOpts } = opts;
  let y = conv2d(x, weight, convOpts);
  if (bn !== undefined) {
    const z = run(
      'BatchNormInfer',
      { x: y, gamma: bn.gamma, beta: bn.beta, mean: bn.mean, variance: bn.variance },
      { eps },
    );
    y.dispose();
    y = z;
  }
  if (withRelu === true) {
    const z = relu(y);
    y.dispose();
    y = z;
  }
  return y;
}
