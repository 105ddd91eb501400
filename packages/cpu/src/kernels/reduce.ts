import {
  collapseAxes,
  type KernelTable,
  type Shape,
  stridesOf,
  type TypedArray,
} from '@igcnet/tensor/backend';
import { alloc, out, vals } from '../storage.js';
import { forEachRun } from './iter.js';

function reduce(
  x: { shape: Shape; dtype: 'float32' | 'int32' },
  xv: TypedArray,
  axes: readonly number[],
  keepDims: boolean,
  init: number,
  fn: (acc: number, v: number) => number,
) {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  const { values: o, info } = alloc(outShape, x.dtype);
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
  Sum: ({ inputs: { x }, attrs: { axes, keepDims } }) =>
    reduce(x, vals(x), axes, keepDims, 0, (a, v) => a + v),
  Max: ({ inputs: { x }, attrs: { axes, keepDims } }) =>
    reduce(x, vals(x), axes, keepDims, Number.NEGATIVE_INFINITY, (a, v) =>
      v > a || Number.isNaN(v) ? v : a,
    ),
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
