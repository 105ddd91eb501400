import {
  collapseAxes,
  type KernelTable,
  type Shape,
  stridesOf,
  type TypedArray,
} from '@igcnet/tensor/backend';
import { alloc, out, vals } from '../storage.js';
import { forEachRun } from './iter.js';

/** Whether `axes` are exactly the last `axes.length` axes of a rank-`rank` shape. */
function trailing(axes: readonly number[], rank: number): boolean {
  const set = new Set(axes);
  for (let i = rank - set.size; i < rank; i++) if (!set.has(i)) return false;
  return set.size === axes.length;
}

/**
 * Sums over the trailing axes (a global average pool's sum over H and W): one plain loop per
 * output, in the generic path's order (float64, ascending), so the same bits, without its call
 * per element.
 */
function sumInner(xv: TypedArray, o: TypedArray, inner: number): void {
  for (let i = 0; i < o.length; i++) {
    let a = 0;
    const base = i * inner;
    for (let j = 0; j < inner; j++) a += xv[base + j]!;
    o[i] = a;
  }
}

/** A reduction: its start value and step; `sum` marks addition (it has a fast path). */
interface Reducer {
  init: number;
  fn: (acc: number, v: number) => number;
  sum?: true;
}

const SUM: Reducer = { init: 0, fn: (a, v) => a + v, sum: true };
const MAX: Reducer = {
  init: Number.NEGATIVE_INFINITY,
  fn: (a, v) => (v > a || Number.isNaN(v) ? v : a),
};

function reduce(
  x: { shape: Shape; dtype: 'float32' | 'int32' },
  xv: TypedArray,
  axes: readonly number[],
  keepDims: boolean,
  { init, fn, sum }: Reducer,
) {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  const { values: o, info } = alloc(outShape, x.dtype);
  if (sum && axes.length > 0 && o.length > 0 && trailing(axes, x.shape.length)) {
    sumInner(xv, o, xv.length / o.length);
    return info;
  }
  // Sums accumulate in float64 then round once, which keeps long float32 sums accurate.
  const acc = new Float64Array(o.length).fill(init);
  const ostr = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const c = collapseAxes(x.shape, [stridesOf(x.shape), ostr]);
  forEachRun(c.shape, c.strides, ([xo, oo], len, [xs, os]) => {
    if (os === 0) {
      let a = acc[oo!]!;
      for (let i = 0; i < len; i++) a = fn(a, xv[xo! + i * xs!]!);
      acc[oo!] = a;
    } else {
      for (let i = 0; i < len; i++)
        acc[oo! + i * os!] = fn(acc[oo! + i * os!]!, xv[xo! + i * xs!]!);
    }
  });
  o.set(acc);
  return info;
}

/** Reduction kernels of the CPU backend. */
export const reduceKernels: KernelTable = {
  Sum: ({ inputs: { x }, attrs: { axes, keepDims } }) => reduce(x, vals(x), axes, keepDims, SUM),
  Max: ({ inputs: { x }, attrs: { axes, keepDims } }) => reduce(x, vals(x), axes, keepDims, MAX),
  ArgMax: ({ inputs: { x }, attrs: { axis } }) => {
    const xv = vals(x);
    const len = x.shape[axis]!;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const o = new Int32Array(outer * inner);
    for (let a = 0; a < outer; a++) {
      for (let b = 0; b < inner; b++) {
        const base = a * len * inner + b;
        let best = xv[base]!;
        let bi = 0;
        for (let i = 1; i < len; i++) {
          const v = xv[base + i * inner]!;
          if (v > best) {
            best = v;
            bi = i;
          }
        }
        o[a * inner + b] = bi;
      }
    }
    return out(
      o,
      x.shape.filter((_, i) => i !== axis),
      'int32',
    );
  },
};
