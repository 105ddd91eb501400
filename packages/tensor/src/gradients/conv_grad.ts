import { registerGradient } from '../engine/engine.js';
import { conv2dBackpropFilter, conv2dBackpropInput } from '../ops/conv.js';
import { sum } from '../ops/reduction.js';

type Quad = readonly [number, number, number, number];

registerGradient('Conv2D', ([dy], { x, w }, _out, geometry) => ({
  x: () => conv2dBackpropInput(dy!, w, x.shape as unknown as Quad, geometry),
  w: () => conv2dBackpropFilter(x, dy!, w.shape as unknown as Quad, geometry),
  bias: () => sum(dy!, [0, 2, 3]),
}));
