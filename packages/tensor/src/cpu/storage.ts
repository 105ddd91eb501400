import type { DType, TypedArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import { fmtShape, sizeOf } from '../core/shape.js';
import type { DataId, TensorInfo } from '../core/tensor_info.js';

/** Bytes held by live CPU storage, across CPU backend instances. */
export const cpuStats = { bytes: 0 };

/** The CPU backend's storage: the values themselves. */
export class CpuData {
  freed = false;
  constructor(public values: TypedArray) {
    cpuStats.bytes += values.byteLength;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    cpuStats.bytes -= this.values.byteLength;
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

/** Allocates an output of `shape` and `dtype`. */
export function alloc(shape: Shape, dtype: DType): { values: TypedArray; info: TensorInfo } {
  const n = sizeOf(shape);
  const values = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  return { values, info: out(values, shape, dtype) };
}

/** Allocates a float32 output of `shape`. */
export function allocF32(shape: Shape): { values: Float32Array; info: TensorInfo } {
  const values = new Float32Array(sizeOf(shape));
  return { values, info: out(values, shape, 'float32') };
}
