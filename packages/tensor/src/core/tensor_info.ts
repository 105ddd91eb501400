import type { DType } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * Opaque handle to a backend's storage. Each backend decides what it holds; the engine only
 * compares handles and counts references to them.
 */
export type DataId = object;

/** What a kernel sees of a tensor: its storage, shape and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}
