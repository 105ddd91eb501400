import { count, type Nd, nd, ravel, unravel } from './nd.js';

/** out[i0, …] = x[i_perm⁻¹…]: output axis a is input axis perm[a]. */
export function transpose(x: Nd, perm: readonly number[]): Nd {
  const shape = perm.map((p) => x.shape[p]!);
  const out = nd(shape);
  for (let i = 0; i < out.data.length; i++) {
    const oi = unravel(i, shape);
    const xi = new Array<number>(perm.length);
    perm.forEach((p, a) => {
      xi[p] = oi[a]!;
    });
    out.data[i] = x.data[ravel(xi, x.shape)]!;
  }
  return out;
}

/** Joins along `axis`. */
export function concat(xs: readonly Nd[], axis: number): Nd {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((p, t) => p + t.shape[axis]!, 0);
  const out = nd(shape);
  let offset = 0;
  for (const t of xs) {
    for (let i = 0; i < t.data.length; i++) {
      const idx = unravel(i, t.shape);
      idx[axis] = idx[axis]! + offset;
      out.data[ravel(idx, shape)] = t.data[i]!;
    }
    offset += t.shape[axis]!;
  }
  return out;
}

/** The block at `begin` of `size`. */
export function slice(x: Nd, begin: readonly number[], size: readonly number[]): Nd {
  const out = nd(size);
  for (let i = 0; i < out.data.length; i++) {
    const idx = unravel(i, size).map((v, a) => v + begin[a]!);
    out.data[i] = x.data[ravel(idx, x.shape)]!;
  }
  return out;
}

/** Pads each axis with [before, after] cells of `value`. */
export function pad(x: Nd, paddings: readonly (readonly [number, number])[], value: number): Nd {
  const shape = x.shape.map((d, a) => d + paddings[a]![0] + paddings[a]![1]);
  const out = nd(shape);
  out.data.fill(value);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((v, a) => v + paddings[a]![0]);
    out.data[ravel(idx, shape)] = x.data[i]!;
  }
  return out;
}

/** The IGC interleave, by its definition: channel g·(C/groups) + m moves to m·groups + g. */
export function channelShuffle(x: Nd, groups: number): Nd {
  const c = x.shape[1]!;
  const per = c / groups;
  const out = nd(x.shape);
  for (let i = 0; i < count(x.shape); i++) {
    const idx = unravel(i, x.shape);
    const ch = idx[1]!;
    const g = Math.floor(ch / per);
    const m = ch % per;
    idx[1] = m * groups + g;
    out.data[ravel(idx, x.shape)] = x.data[i]!;
  }
  return out;
}
