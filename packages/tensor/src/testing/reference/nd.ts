/**
 * The reference implementations' only data type: a dense, row-major float64 array. It shares no
 * code with the backends so that a bug in a shared helper cannot hide in both at once.
 */
export interface Nd {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Number of elements of a shape. */
export function count(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** An array of `shape` holding `values` (zeros when omitted). */
export function nd(shape: readonly number[], values?: ArrayLike<number>): Nd {
  const n = count(shape);
  const data = values === undefined ? new Float64Array(n) : Float64Array.from(values);
  if (data.length !== n) {
    throw new Error(
      `reference: ${data.length} values for shape [${shape.join(',')}] (${n} elements)`,
    );
  }
  return { shape: [...shape], data };
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Multi-index of flat position `i`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a]!;
    idx[a] = i % d;
    i = Math.floor(i / d);
  }
  return idx;
}

/** Flat position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let o = 0;
  for (let a = 0; a < shape.length; a++) o = o * shape[a]! + idx[a]!;
  return o;
}

/** The same values viewed with another shape. */
export function reshape(x: Nd, shape: readonly number[]): Nd {
  return nd(shape, x.data);
}
