import { registerGradient } from '../engine/engine.js';
import { div, greaterEqual, mul } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { sum } from '../ops/reduction.js';
import { broadcastTo, keptShape } from './util.js';

registerGradient('Sum', ([dy], { x }, _out, { axes }) => ({
  x: () => broadcastTo(reshape(dy!, keptShape(x.shape, axes)), x.shape),
}));

registerGradient('Max', ([dy], { x }, [y], { axes }) => ({
  // Shared equally between tied maxima, so the gradient of a sum of maxima stays exact.
  x: () => {
    const kept = keptShape(x.shape, axes);
    const mask = greaterEqual(x, reshape(y!, kept));
    const count = sum(mask, axes, { keepDims: true });
    return mul(div(mask, count), reshape(dy!, kept));
  },
}));

registerGradient('ArgMax', () => ({}));
