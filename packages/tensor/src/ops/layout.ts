import { fmtShape, normalizeAxes, type Shape, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { ENGINE } from '../engine/engine.js';
import { assertTensor, inferShape, run } from './util.js';

/** The same data viewed with another shape (one dimension may be −1); moves no data. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  assertTensor(x, 'reshape', 'x');
  const s = inferShape(shape, x.size, 'reshape');
  return ENGINE.view(x, s);
}

/** Flattens every axis after the first: [N, ...] → [N, prod]. */
export function flatten(x: Tensor): Tensor {
  assertTensor(x, 'flatten', 'x');
  if (x.rank < 1) throw new Error('flatten: a scalar has no batch axis');
  return reshape(x, [x.shape[0]!, -1]);
}

/** Permutes axes; the default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertTensor(x, 'transpose', 'x');
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(
      `transpose: perm [${p.join(',')}] is not a permutation of the ${x.rank} axes of ${fmtShape(x.shape)}`,
    );
  }
  return run('Transpose', { x }, { perm: [...p] });
}

/** Joins tensors along `axis`; all other dimensions must agree. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  for (const [i, t] of xs.entries()) assertTensor(t, 'concat', `xs[${i}]`);
  const first = xs[0]!;
  const [a] = normalizeAxes(axis, first.rank, 'concat');
  xs.forEach((t, i) => {
    if (t.dtype !== first.dtype)
      throw new Error(`concat: xs[${i}] is ${t.dtype}, xs[0] is ${first.dtype}`);
    const ok = t.rank === first.rank && t.shape.every((d, j) => j === a || d === first.shape[j]);
    if (!ok) {
      throw new Error(
        `concat: xs[${i}] has shape ${fmtShape(t.shape)}, incompatible with ${fmtShape(first.shape)} along axis ${a}`,
      );
    }
  });
  return run('Concat', { xs }, { axis: a! });
}

/** A block of `x` starting at `begin` with `size` (−1: to the end) per axis. */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  assertTensor(x, 'slice', 'x');
  if (begin.length !== x.rank)
    throw new Error(
      `slice: begin [${begin.join(',')}] must have ${x.rank} entries for ${fmtShape(x.shape)}`,
    );
  const sz = (size ?? begin.map(() => -1)).map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  if (sz.length !== x.rank) throw new Error(`slice: size must have ${x.rank} entries`);
  sz.forEach((s, i) => {
    const b = begin[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > x.shape[i]!) {
      throw new Error(
        `slice: axis ${i}: begin ${b} size ${s} is out of range for ${fmtShape(x.shape)}`,
      );
    }
  });
  return run('Slice', { x }, { begin: [...begin], size: sz });
}

/** Pads each axis with [before, after] elements of `value`. */
export function pad(
  x: Tensor,
  paddings: readonly (readonly [number, number])[],
  value = 0,
): Tensor {
  assertTensor(x, 'pad', 'x');
  if (paddings.length !== x.rank)
    throw new Error(
      `pad: needs ${x.rank} [before, after] pairs for ${fmtShape(x.shape)}, got ${paddings.length}`,
    );
  for (const [b, a] of paddings) {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new Error(`pad: paddings must be non-negative integers, got [${b}, ${a}]`);
    }
  }
  if (x.dtype === 'int32' && !(Number.isInteger(value) && value === (value | 0))) {
    throw new Error(`pad: the value for an int32 tensor must be an int32 integer, got ${value}`);
  }
  return run('Pad', { x }, { paddings: paddings.map(([b, a]) => [b, a] as const), value });
}

/**
 * The IGC interleave on axis 1: with C = groups·M channels, channel g·M + m moves to m·groups + g
 * (ShuffleNet's channel shuffle). `channelShuffle(x, M)` undoes `channelShuffle(x, L)` when
 * C = L·M.
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  assertTensor(x, 'channelShuffle', 'x');
  if (x.rank < 2)
    throw new Error(`channelShuffle: needs rank ≥ 2 (N, C, ...), got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new Error(`channelShuffle: ${c} channels cannot be split into ${groups} groups`);
  }
  return run('ChannelShuffle', { x }, { groups });
}

/** Whether two tensors have the same shape. */
export function sameShape(a: Tensor, b: Tensor): boolean {
  return shapesEqual(a.shape, b.shape);
}
