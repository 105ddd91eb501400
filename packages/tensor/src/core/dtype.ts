/** Element types a tensor can hold. */
export type DType = 'float32' | 'int32';

/** The typed array that stores each dtype. */
export interface DTypeArrays {
  float32: Float32Array;
  int32: Int32Array;
}

/** Storage for any dtype. */
export type TypedArray = Float32Array | Int32Array;

/** Bytes per element, the same for every dtype we support. */
export const BYTES_PER_ELEMENT = 4;

/** Allocates a zero-filled typed array for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

/** Checks that a string names a supported dtype. */
export function assertDType(dtype: string, context: string): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new Error(`${context}: dtype must be 'float32' or 'int32', got '${dtype}'`);
  }
}
