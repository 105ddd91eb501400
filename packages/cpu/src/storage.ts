import {
  type DataId,
  type DType,
  fmtShape,
  type Shape,
  sizeOf,
  type TensorInfo,
  type TypedArray,
} from '@igcnet/tensor/backend';

/** Bytes held by live CPU storage, and by freed buffers kept for reuse. */
export const cpuStats = { bytes: 0, pooledBytes: 0 };

/** Most bytes of freed buffers kept for reuse. */
const POOL_LIMIT_BYTES = 512 * 1024 * 1024;
/** Freed buffers by byte length. */
const pool = new Map<number, ArrayBuffer[]>();

/**
 * A zeroed buffer of `bytes`, reused from a freed tensor when one of that size is pooled. A
 * training step frees and allocates the same sizes every time; fresh multi-megabyte typed arrays
 * cost page faults and GC work that showed up as 15–20 % of small-network steps.
 */
function takeBuffer(bytes: number, zero: boolean): ArrayBuffer {
  const list = pool.get(bytes);
  const buf = list?.pop();
  if (!buf) return new ArrayBuffer(bytes);
  cpuStats.pooledBytes -= bytes;
  if (zero) new Uint8Array(buf).fill(0);
  return buf;
}

function releaseBuffer(values: TypedArray): void {
  const buf = values.buffer;
  const bytes = values.byteLength;
  // Only whole, unshared buffers: a view into a larger buffer may still be in use elsewhere.
  if (
    !(buf instanceof ArrayBuffer) ||
    values.byteOffset !== 0 ||
    buf.byteLength !== bytes ||
    bytes === 0
  )
    return;
  if (cpuStats.pooledBytes + bytes > POOL_LIMIT_BYTES) return;
  const list = pool.get(bytes);
  if (list) list.push(buf);
  else pool.set(bytes, [buf]);
  cpuStats.pooledBytes += bytes;
}

/** Drops every pooled buffer (for tests and memory pressure). */
export function clearCpuPool(): void {
  pool.clear();
  cpuStats.pooledBytes = 0;
}

/** The CPU backend's storage: the values themselves. */
export class CpuData {
  freed = false;
  constructor(public values: TypedArray) {
    cpuStats.bytes += values.byteLength;
  }

  /** Frees the storage; its buffer may be handed to a later allocation. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    cpuStats.bytes -= this.values.byteLength;
    releaseBuffer(this.values);
  }
}

/** The values behind a tensor handed to a CPU kernel. */
export function vals(t: TensorInfo): TypedArray {
  const d = t.dataId;
  if (!(d instanceof CpuData))
    throw new Error(`cpu: tensor ${fmtShape(t.shape)} does not hold CPU data`);
  return d.values;
}

/** The float32 values behind a tensor. */
export function f32(t: TensorInfo): Float32Array {
  return vals(t) as Float32Array;
}

/** Wraps fresh values as a kernel output. */
export function out(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
  return { dataId: new CpuData(values) as DataId, shape, dtype };
}

/**
 * Allocates an output of `shape` and `dtype`: zeroed, unless `zero` is false for a kernel that
 * writes every element (reused buffers then keep stale values until overwritten).
 */
export function alloc(
  shape: Shape,
  dtype: DType,
  zero = true,
): { values: TypedArray; info: TensorInfo } {
  const buf = takeBuffer(sizeOf(shape) * 4, zero);
  const values = dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
  return { values, info: out(values, shape, dtype) };
}

/** Allocates a float32 output of `shape`; see {@link alloc} for `zero`. */
export function allocF32(shape: Shape, zero = true): { values: Float32Array; info: TensorInfo } {
  const values = new Float32Array(takeBuffer(sizeOf(shape) * 4, zero));
  return { values, info: out(values, shape, 'float32') };
}
