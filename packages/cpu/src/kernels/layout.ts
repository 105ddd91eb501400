import { collapseAxes, type KernelTable, sizeOf, stridesOf } from '@igcnet/tensor/backend';
import { alloc, vals } from '../storage.js';
import { forEachRun } from './iter.js';

/** Layout kernels of the CPU backend. */
export const layoutKernels: KernelTable = {
  Transpose: ({ inputs: { x }, attrs: { perm } }) => {
    const outShape = perm.map((p) => x.shape[p]!);
    const xs = stridesOf(x.shape);
    const { values: o, info } = alloc(outShape, x.dtype, false);
    const xv = vals(x);
    const c = collapseAxes(outShape, [stridesOf(outShape), perm.map((p) => xs[p]!)]);
    forEachRun(c.shape, c.strides, ([oo, xo], len, [os, s]) => {
      for (let i = 0; i < len; i++) o[oo! + i * os!] = xv[xo! + i * s!]!;
    });
    return info;
  },

  Concat: ({ inputs: { xs }, attrs: { axis } }) => {
    const first = xs[0]!;
    const outShape = [...first.shape];
    outShape[axis] = xs.reduce((p, t) => p + t.shape[axis]!, 0);
    const { values: o, info } = alloc(outShape, first.dtype);
    const outer = sizeOf(first.shape.slice(0, axis));
    const rowOut = sizeOf(outShape.slice(axis));
    let offset = 0;
    for (const t of xs) {
      const tv = vals(t);
      const row = sizeOf(t.shape.slice(axis));
      for (let a = 0; a < outer; a++)
        o.set(tv.subarray(a * row, (a + 1) * row), a * rowOut + offset);
      offset += row;
    }
    return info;
  },

  Slice: ({ inputs: { x }, attrs: { begin, size } }) => {
    const { values: o, info } = alloc(size, x.dtype);
    if (o.length === 0) return info;
    const xs = stridesOf(x.shape);
    const start = begin.reduce((p, b, i) => p + b * xs[i]!, 0);
    const xv = vals(x);
    const c = collapseAxes(size, [stridesOf(size), xs]);
    forEachRun(c.shape, c.strides, ([oo, xo], len, [os, s]) => {
      for (let i = 0; i < len; i++) o[oo! + i * os!] = xv[start + xo! + i * s!]!;
    });
    return info;
  },

  Pad: ({ inputs: { x }, attrs: { paddings, value } }) => {
    const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const { values: o, info } = alloc(outShape, x.dtype);
    o.fill(value);
    if (x.shape.some((d) => d === 0)) return info;
    const os = stridesOf(outShape);
    const start = paddings.reduce((p, [b], i) => p + b * os[i]!, 0);
    const xv = vals(x);
    const c = collapseAxes(x.shape, [stridesOf(x.shape), os]);
    forEachRun(c.shape, c.strides, ([xo, oo], len, [s, ost]) => {
      for (let i = 0; i < len; i++) o[start + oo! + i * ost!] = xv[xo! + i * s!]!;
    });
    return info;
  },

  ChannelShuffle: ({ inputs: { x }, attrs: { groups } }) => {
    const [n, c] = x.shape as [number, number];
    const plane = sizeOf(x.shape.slice(2));
    const { values: o, info } = alloc(x.shape, x.dtype, false);
    const src = vals(x);
    // Bit copies through Int32Array views, so one monomorphic path serves both dtypes.
    shufflePlanes(
      new Int32Array(src.buffer, src.byteOffset, src.length),
      new Int32Array(o.buffer, o.byteOffset, o.length),
      n,
      c,
      groups,
      plane,
    );
    return info;
  },
};

/**
 * Moves whole planes. `set` of a subarray is a native memmove: 7× faster than an element loop on
 * 28×28 planes (measured); tiny planes take the loop, where a view per plane would cost more.
 */
export function shufflePlanes(
  x: Int32Array,
  o: Int32Array,
  n: number,
  c: number,
  groups: number,
  plane: number,
): void {
  const per = c / groups;
  for (let b = 0; b < n; b++) {
    const base = b * c * plane;
    for (let g = 0; g < groups; g++) {
      for (let m = 0; m < per; m++) {
        const s = base + (g * per + m) * plane;
        const d = base + (m * groups + g) * plane;
        if (plane >= 32) o.set(x.subarray(s, s + plane), d);
        else for (let i = 0; i < plane; i++) o[d + i] = x[s + i]!;
      }
    }
  }
}
