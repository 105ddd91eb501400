/**
 * `@igcnet/tensor/backend`: what backend authors share (as tfjs's `backend_util`). The contract
 * (`Backend`, the kernel names with their inputs and attributes) and the helpers every backend
 * needs in the same form: conv, pool and matmul geometry, strides, element counts, broadcasting
 * and axis collapsing. A backend imports these rather than keeping its own copy, so that two
 * backends cannot drift apart on what a shape means.
 *
 * ```ts
 * import { conv2dGeometry, type KernelTable } from '@igcnet/tensor/backend';
 * const kernels: KernelTable = {
 *   Conv2D: ({ inputs: { x, w }, attrs }) => {
 *     const g = conv2dGeometry(x.shape, w.shape, attrs); // g.outH, g.outW, g.groups, …
 *     // …
 *   },
 * };
 * ```
 * @packageDocumentation
 */
export type {
  Backend,
  BackendLimits,
  BackendMemory,
  DeviceTime,
  DeviceTimer,
  KernelArgs,
  KernelImpl,
  KernelTable,
} from '../core/backend.js';
export { allocArray, BYTES_PER_ELEMENT, type DType, type TypedArray } from '../core/dtype.js';
export {
  type BinaryInputs,
  type Conv2DAttrs,
  KERNEL_NAMES,
  KERNEL_SPECS,
  type KernelAttrs,
  type KernelDefs,
  type KernelInputs,
  type KernelName,
  type KernelOutputs,
  type KernelSpec,
  type MutatedInputs,
  type NoAttrs,
  type Pool2DAttrs,
  type SGDAttrs,
  type UnaryInputs,
} from '../core/kernel_names.js';
export {
  broadcastShapes,
  fmtShape,
  type Shape,
  shapesEqual,
  sizeOf,
  stridesOf,
} from '../core/shape.js';
export type { DataId, TensorInfo } from '../core/tensor_info.js';
export { broadcastStrides, collapseAxes } from './axes.js';
export {
  type Conv2DGeometry,
  conv2dGeometry,
  convOutSize,
  isPointwise,
  type Pool2DGeometry,
  pool2dGeometry,
} from './conv.js';
export {
  buildKernelTable,
  kernelInputList,
  kernelOutputList,
  mapKernelInputs,
  mapKernelOutputs,
} from './kernels.js';
export { type MatMulGeometry, matmulGeometry } from './matmul.js';
