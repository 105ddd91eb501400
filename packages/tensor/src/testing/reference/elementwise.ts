import { count, type Nd, nd, ravel, unravel } from './nd.js';

/** NumPy broadcasting of two shapes. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[i - (r - a.length)] ?? 1;
    const db = b[i - (r - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new Error(`reference: cannot broadcast [${a}] with [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Index into `shape` of the element that broadcasts to `outIdx`. */
function sourceIndex(outIdx: readonly number[], shape: readonly number[]): number {
  const off = outIdx.length - shape.length;
  const idx = shape.map((d, i) => (d === 1 ? 0 : outIdx[i + off]!));
  return ravel(idx, shape);
}

/** `f` applied elementwise with broadcasting. */
export function binary(a: Nd, b: Nd, f: (x: number, y: number) => number): Nd {
  const shape = broadcastShape(a.shape, b.shape);
  const out = nd(shape);
  for (let i = 0; i < count(shape); i++) {
    const idx = unravel(i, shape);
    out.data[i] = f(a.data[sourceIndex(idx, a.shape)]!, b.data[sourceIndex(idx, b.shape)]!);
  }
  return out;
}

/** `f` applied to every element. */
export function unary(x: Nd, f: (v: number) => number): Nd {
  return nd(x.shape, Array.from(x.data, f));
}

/** Wraps to a signed 32-bit integer, as int32 arithmetic does. */
export function wrapInt32(v: number): number {
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(v))));
}

/** The scalar functions of the elementwise kernels, float and int32 flavours. */
export const scalarFns = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
  floorDiv: (x: number, y: number) => Math.floor(x / y),
  maximum: (x: number, y: number) => Math.max(x, y),
  greaterEqual: (x: number, y: number) => (x >= y ? 1 : 0),
  neg: (x: number) => -x,
  relu: (x: number) => Math.max(x, 0),
  step: (x: number) => (x > 0 ? 1 : 0),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x: number) => x * x,
} as const;
