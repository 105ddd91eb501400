import { registerGradient } from '../engine/engine.js';
import {
  cast,
  clipGrad,
  div,
  greaterEqual,
  mul,
  neg,
  pow,
  square,
  step,
  sub,
} from '../ops/elementwise.js';
import { reduceTo } from './util.js';

registerGradient('Add', ([dy], { a, b }) => ({
  a: () => reduceTo(dy!, a.shape),
  b: () => reduceTo(dy!, b.shape),
}));

registerGradient('Sub', ([dy], { a, b }) => ({
  a: () => reduceTo(dy!, a.shape),
  b: () => reduceTo(neg(dy!), b.shape),
}));

registerGradient('Mul', ([dy], { a, b }) => ({
  a: () => reduceTo(mul(dy!, b), a.shape),
  b: () => reduceTo(mul(dy!, a), b.shape),
}));

registerGradient('Div', ([dy], { a, b }) => ({
  a: () => reduceTo(div(dy!, b), a.shape),
  // d(a/b)/db = −a/b²
  b: () => reduceTo(neg(div(mul(dy!, a), square(b))), b.shape),
}));

registerGradient('Maximum', ([dy], { a, b }) => ({
  // Ties send the gradient to a, as TensorFlow.
  a: () => reduceTo(mul(dy!, greaterEqual(a, b)), a.shape),
  b: () => reduceTo(mul(dy!, sub(1, greaterEqual(a, b))), b.shape),
}));

registerGradient('GreaterEqual', () => ({}));
registerGradient('Step', () => ({}));

registerGradient('Neg', ([dy]) => ({ x: () => neg(dy!) }));
registerGradient('Identity', ([dy]) => ({ x: () => dy! }));
registerGradient('Relu', ([dy], { x }) => ({ x: () => mul(dy!, step(x)) }));
registerGradient('Clip', ([dy], { x }, _out, { min, max }) => ({
  x: () => clipGrad(dy!, x, min, max),
}));
// Linear in dy; piecewise constant in x, whose gradient is zero wherever it is defined.
registerGradient('ClipGrad', ([ddy], { x }, _out, { min, max }) => ({
  dy: () => clipGrad(ddy!, x, min, max),
}));
// Samples depend on the key only through integer hashing: nothing to differentiate.
registerGradient('StatelessRandomUniform', () => ({}));
registerGradient('Exp', ([dy], _in, [y]) => ({ x: () => mul(dy!, y!) }));
registerGradient('Log', ([dy], { x }) => ({ x: () => div(dy!, x) }));
registerGradient('Sqrt', ([dy], _in, [y]) => ({ x: () => div(dy!, mul(y!, 2)) }));
registerGradient('Square', ([dy], { x }) => ({ x: () => mul(dy!, mul(x, 2)) }));
registerGradient('PowScalar', ([dy], { x }, _out, { exponent }) => ({
  x: () => mul(dy!, mul(pow(x, exponent - 1), exponent)),
}));
registerGradient('Cast', ([dy], { x }) => ({
  x: () => (x.dtype === 'float32' ? cast(dy!, 'float32') : mul(cast(dy!, x.dtype), 0)),
}));
