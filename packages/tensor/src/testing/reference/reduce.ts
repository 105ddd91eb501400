import { count, type Nd, nd, ravel, unravel } from './nd.js';

function reduce(
  x: Nd,
  axes: readonly number[],
  keepDims: boolean,
  init: number,
  f: (acc: number, v: number) => number,
): Nd {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = nd(kept).data.fill(init);
  for (let i = 0; i < count(x.shape); i++) {
    const idx = unravel(i, x.shape).map((v, a) => (axes.includes(a) ? 0 : v));
    const o = ravel(idx, kept);
    out[o] = f(out[o]!, x.data[i]!);
  }
  return nd(keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i)), out);
}

/** Sum over `axes`. */
export function sum(x: Nd, axes: readonly number[], keepDims = false): Nd {
  return reduce(x, axes, keepDims, 0, (a, v) => a + v);
}

/** Maximum over `axes`. */
export function max(x: Nd, axes: readonly number[], keepDims = false): Nd {
  return reduce(x, axes, keepDims, Number.NEGATIVE_INFINITY, (a, v) => Math.max(a, v));
}

/** Mean over `axes`. */
export function mean(x: Nd, axes: readonly number[], keepDims = false): Nd {
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const s = sum(x, axes, keepDims);
  return nd(
    s.shape,
    Array.from(s.data, (v) => v / n),
  );
}

/** Index of the first maximum along `axis`; the axis is removed. */
export function argmax(x: Nd, axis: number): Nd {
  const outShape = x.shape.filter((_, i) => i !== axis);
  const out = nd(outShape);
  const len = x.shape[axis]!;
  for (let o = 0; o < count(outShape); o++) {
    const idx = unravel(o, outShape);
    idx.splice(axis, 0, 0);
    let best = Number.NEGATIVE_INFINITY;
    let bi = 0;
    for (let k = 0; k < len; k++) {
      idx[axis] = k;
      const v = x.data[ravel(idx, x.shape)]!;
      if (v > best) {
        best = v;
        bi = k;
      }
    }
    out.data[o] = bi;
  }
  return out;
}
