import type { Backend } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { fmtShape, type Shape, sizeOf } from './shape.js';
import type { DataId, TensorInfo } from './tensor_info.js';

let nextTensorId = 0;

/** Hooks the engine installs so that tensors can free themselves without a circular import. */
export interface TensorHooks {
  dispose(t: Tensor): void;
}
let hooks: TensorHooks | undefined;
/** @internal */
export function installTensorHooks(h: TensorHooks): void {
  hooks = h;
}

/**
 * An immutable n-dimensional array living on one backend. Create tensors with the ops
 * (`tensor`, `zeros`, `randomNormal`, …); free them with `dispose` or inside `tidy`.
 */
export class Tensor implements TensorInfo {
  /** Unique id, for debugging and gradient bookkeeping. */
  readonly id: number = nextTensorId++;
  /** Dimensions, outermost first. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** The backend that holds the data. */
  readonly backend: Backend;
  /** @internal Storage handle; a Variable swaps it on assign. */
  dataId: DataId;
  /** @internal Set once the tensor is freed. */
  disposed = false;
  /** @internal Set while a gradient tape refers to this tensor, so scopes hand it outward. */
  onTape = false;
  /** @internal Set by `keep`: scopes never free it. */
  kept = false;

  /** @internal Use the ops to make tensors. */
  constructor(dataId: DataId, shape: Shape, dtype: DType, backend: Backend) {
    this.dataId = dataId;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether this tensor is a trainable-parameter holder. */
  get isVariable(): boolean {
    return false;
  }

  /** Reads the values back (row-major). On the GPU this waits for queued work. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return this.backend.read(this.dataId);
  }

  /**
   * Reads the values synchronously. Backends that cannot (WebGPU) throw and ask for `data()`.
   */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    if (!this.backend.readSync) {
      throw new Error(
        `dataSync: backend '${this.backend.name}' reads asynchronously; use 'await tensor.data()'`,
      );
    }
    return this.backend.readSync(this.dataId);
  }

  /** Reads a one-element tensor as a number. */
  async item(): Promise<number> {
    if (this.size !== 1)
      throw new Error(
        `item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, expected 1`,
      );
    return (await this.data())[0]!;
  }

  /** Frees the storage (once no other tensor shares it). Calling twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    hooks?.dispose(this);
  }

  /** @internal */
  assertAlive(op: string): void {
    if (this.disposed) {
      throw new Error(`${op}: tensor #${this.id} of shape ${fmtShape(this.shape)} was disposed`);
    }
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.backend.name})`;
  }
}
