import { broadcastAxes, type Shape, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { add } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { sum } from '../ops/reduction.js';

/** Sums a broadcast gradient back down to `shape`. */
export function reduceTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = broadcastAxes(shape, g.shape);
  const s = axes.length > 0 ? sum(g, axes, { keepDims: true }) : g;
  return reshape(s, shape);
}

/** Broadcasts `g` (of a reduced shape with kept dims) up to `shape`. */
export function broadcastTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  return add(zeros(shape, g.dtype), g);
}

/** The shape a reduction over `axes` has with kept dims. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
