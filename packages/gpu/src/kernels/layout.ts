/**
 * Layout kernels. Transpose, Slice, Concat, Pad and ChannelShuffle are all one strided copy
 * (dst[dOff + Σ c·dStr] = src[sOff + Σ c·sStr] over an iteration shape) on raw 32-bit words, so
 * one pipeline serves both dtypes; Pad adds a fill.
 */
import {
  collapseAxes,
  type KernelTable,
  sizeOf,
  stridesOf,
  type TensorInfo,
} from '@igcnet/tensor/backend';
import type { WebGpuBackend } from '../backend.js';
import type { Program } from '../exec/executor.js';
import { vecAt } from '../exec/uniforms.js';
import { gpu, grid1d, LINEAR_ARGS, LINEAR_INDEX, storage } from './common.js';

const copyFields = {
  n: 'i32',
  rank: 'i32',
  sOff: 'i32',
  dOff: 'i32',
  shape: 'vec',
  sStr: 'vec',
  dStr: 'vec',
} as const;

const copyProgram: Program<typeof copyFields> = {
  key: 'strided-copy',
  fields: copyFields,
  code: (u) => `const WG = 256u;
${storage(0, 'S', 'u32')}${storage(1, 'D', 'u32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  var s = P.sOff; var d = P.dOff; var rem = i;
  for (var k = P.rank - 1; k >= 0; k--) {
    let e = ${vecAt('shape', 'k')};
    let c = rem % e;
    rem = rem / e;
    s += c * ${vecAt('sStr', 'k')};
    d += c * ${vecAt('dStr', 'k')};
  }
  D[d] = S[s];
}`,
};

const fillFields = { n: 'i32', bits: 'u32' } as const;

const fillProgram: Program<typeof fillFields> = {
  key: 'fill',
  fields: fillFields,
  code: (u) => `const WG = 256u;
${storage(0, 'D', 'u32', true)}${u}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  D[i] = P.bits;
}`,
};

/**
 * Queues dst[dOff + Σ c_k·dStr_k] = src[sOff + Σ c_k·sStr_k] for every c in `shape`. Contiguous
 * runs become one buffer copy.
 */
export function stridedCopy(
  g: WebGpuBackend,
  src: GPUBuffer,
  dst: GPUBuffer,
  shape: readonly number[],
  sStr: readonly number[],
  dStr: readonly number[],
  sOff: number,
  dOff: number,
): void {
  const n = shape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const c = collapseAxes(shape, [sStr, dStr]);
  if (
    c.shape.length === 0 ||
    (c.shape.length === 1 && c.strides[0]![0] === 1 && c.strides[1]![0] === 1)
  ) {
    g.copyBuffers(src, sOff, dst, dOff, n);
    return;
  }
  if (c.shape.length > 8)
    throw new Error('webgpu: a layout kernel needs more than 8 axes after collapsing');
  g.run(
    copyProgram,
    [src, dst],
    {
      n,
      rank: c.shape.length,
      sOff,
      dOff,
      shape: c.shape,
      sStr: c.strides[0]!,
      dStr: c.strides[1]!,
    },
    grid1d(n),
  );
}

const shuffleFields = { c: 'i32', plane: 'i32', groups: 'i32' } as const;

/**
 * The plain channel shuffle: threads along a plane (x), one (image, channel) row per grid row (y),
 * so a thread divides once per row rather than once per axis.
 */
const shuffleProgram: Program<typeof shuffleFields> = {
  key: 'channel-shuffle',
  fields: shuffleFields,
  code: (u) => `${storage(0, 'S', 'u32')}${storage(1, 'D', 'u32', true)}${u}
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = i32(gid.x);
  if (q >= P.plane) { return; }
  let row = i32(gid.y);
  let n = row / P.c;
  let co = row % P.c;
  // Output channel co = m·groups + a holds input channel a·(C/groups) + m.
  let src = (co % P.groups) * (P.c / P.groups) + co / P.groups;
  D[row * P.plane + q] = S[(n * P.c + src) * P.plane + q];
}`,
};

/** Channel shuffle of an NCHW (or [N, C, …]) tensor into `out`. */
export function channelShuffleInto(
  g: WebGpuBackend,
  x: TensorInfo,
  out: TensorInfo,
  groups: number,
): void {
  const [n, c] = x.shape as [number, number];
  const plane = x.shape.slice(2).reduce((p, d) => p * d, 1);
  const rows = n * c;
  if (rows > 0 && plane > 0 && rows <= g.deviceLimits.maxComputeWorkgroupsPerDimension) {
    g.run(shuffleProgram, [g.buf(x), g.buf(out)], { c, plane, groups }, [
      Math.ceil(plane / 256),
      rows,
      1,
    ]);
    return;
  }
  // Very many rows: the generic strided copy.
  const per = c / groups;
  // Iterate (n, m, g, p): source channel g·per + m, destination channel m·groups + g.
  stridedCopy(
    g,
    g.buf(x),
    g.buf(out),
    [n, per, groups, plane],
    [c * plane, plane, per * plane, 1],
    [c * plane, groups * plane, plane, 1],
    0,
    0,
  );
}

function bitsOf(value: number, dtype: string): number {
  if (dtype === 'int32') return value | 0;
  const f = new Float32Array([value]);
  return new Uint32Array(f.buffer)[0]!;
}

/** Layout kernels of the WebGPU backend. */
export const layoutKernels: KernelTable = {
  Transpose: ({ inputs: { x }, attrs: { perm }, backend }) => {
    const g = gpu(backend);
    const outShape = perm.map((p) => x.shape[p]!);
    const out = g.alloc(outShape, x.dtype);
    const xs = stridesOf(x.shape);
    stridedCopy(
      g,
      g.buf(x),
      g.buf(out),
      outShape,
      perm.map((p) => xs[p]!),
      stridesOf(outShape),
      0,
      0,
    );
    return out;
  },
  Slice: ({ inputs: { x }, attrs: { begin, size }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(size, x.dtype);
    const xs = stridesOf(x.shape);
    const start = begin.reduce((p, b, i) => p + b * xs[i]!, 0);
    stridedCopy(g, g.buf(x), g.buf(out), size, xs, stridesOf(size), start, 0);
    return out;
  },
  Concat: ({ inputs: { xs }, attrs: { axis }, backend }) => {
    const g = gpu(backend);
    const first = xs[0]!;
    const outShape = [...first.shape];
    outShape[axis] = xs.reduce((p, t) => p + t.shape[axis]!, 0);
    const out = g.alloc(outShape, first.dtype);
    const os = stridesOf(outShape);
    let offset = 0;
    for (const t of xs) {
      stridedCopy(g, g.buf(t), g.buf(out), t.shape, stridesOf(t.shape), os, 0, offset * os[axis]!);
      offset += t.shape[axis]!;
    }
    return out;
  },
  Pad: ({ inputs: { x }, attrs: { paddings, value }, backend }) => {
    const g = gpu(backend);
    const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const out = g.alloc(outShape, x.dtype);
    const n = sizeOf(out.shape);
    g.run(fillProgram, [g.buf(out)], { n, bits: bitsOf(value, x.dtype) }, grid1d(n));
    const os = stridesOf(outShape);
    const start = paddings.reduce((p, [b], i) => p + b * os[i]!, 0);
    stridedCopy(g, g.buf(x), g.buf(out), x.shape, stridesOf(x.shape), os, 0, start);
    return out;
  },
  ChannelShuffle: ({ inputs: { x }, attrs: { groups }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, x.dtype);
    channelShuffleInto(g, x, out, groups);
    return out;
  },
};

/** Fills a buffer's first `n` words with a value of `dtype`. */
export function fill(
  g: WebGpuBackend,
  buf: GPUBuffer,
  n: number,
  value: number,
  dtype: string,
): void {
  g.run(fillProgram, [buf], { n, bits: bitsOf(value, dtype) }, grid1d(n));
}
