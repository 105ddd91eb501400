import { assertShape, fmtShape, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { greaterEqual, mul } from './elementwise.js';
import { assertFloat, assertTensor, run } from './util.js';

/**
 * Uniform samples in [0, 1) (24 random bits, exact in float32) that are a pure function of `key`,
 * an int32 tensor [2] holding (seed, counter), and of the element index: the same on every
 * backend, drawn on the device (no host upload), reproducible from the key alone. Advance the
 * counter for the next draw. Like TensorFlow's `stateless_random_uniform`; the generator is
 * random/stateless.ts.
 */
export function statelessRandomUniform(key: Tensor, shape: Shape): Tensor {
  const op = 'statelessRandomUniform';
  assertTensor(key, op, 'key');
  if (key.dtype !== 'int32' || key.rank !== 1 || key.shape[0] !== 2)
    throw new Error(
      `${op}: 'key' must be an int32 tensor of shape [2] (seed, counter), got ${key.dtype} ${fmtShape(key.shape)}`,
    );
  assertShape(shape, op);
  return run('StatelessRandomUniform', { key }, { shape: [...shape] });
}

/**
 * Inverted dropout: each element of x is zeroed with probability `rate` and the others are scaled
 * by 1/(1 − rate), so the expectation is x. The mask is `statelessRandomUniform(key, x.shape) ≥
 * rate`: the same key gives the same mask on every backend. The gradient is dy times the same
 * scaled mask. Use it in training only (the `Dropout` layer passes x through in eval mode).
 */
export function dropout(x: Tensor, rate: number, key: Tensor): Tensor {
  assertTensor(x, 'dropout', 'x');
  assertFloat(x, 'dropout', 'x');
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  const u = statelessRandomUniform(key, x.shape);
  const keep = greaterEqual(u, rate);
  u.dispose();
  const mask = mul(keep, Math.fround(1 / (1 - rate)));
  keep.dispose();
  const y = mul(x, mask);
  mask.dispose();
  return y;
}
