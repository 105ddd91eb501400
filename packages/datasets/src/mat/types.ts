/** MATLAB array classes this reader returns data for. */
export type MatClass =
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'char'
  | 'logical'
  | 'cell'
  | 'struct'
  | 'object'
  | 'sparse'
  | 'function';

/** The typed array that holds a numeric class's values. */
export type MatData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** One top-level variable of a MAT file. */
export interface MatVariable {
  readonly name: string;
  readonly class: MatClass;
  /** Dimensions as MATLAB reports them (at least two). */
  readonly dims: readonly number[];
  readonly complex: boolean;
  /**
   * Real values in MATLAB's column-major order, converted to the class's own type (a `double`
   * stored as bytes comes back as Float64Array). Undefined for cells, structs and other
   * non-numeric classes, which this reader lists but does not decode.
   */
  readonly data?: MatData;
}
