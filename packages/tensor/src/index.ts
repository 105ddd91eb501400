/**
 * @igcnet/tensor: tensors, autograd, the backend contract and the conformance kit. It ships no
 * backend: importing the package `@igcnet/cpu` registers the CPU backend, `@igcnet/gpu` the
 * WebGPU one.
 * Helpers for backend authors are in `@igcnet/tensor/backend`.
 * @packageDocumentation
 */
import './gradients/index.js';

// Core types and the contract.
export type {
  Backend,
  BackendLimits,
  BackendMemory,
  DeviceTime,
  DeviceTimer,
  KernelArgs,
  KernelImpl,
  KernelTable,
} from './core/backend.js';
export { BYTES_PER_ELEMENT, type DType, type TypedArray } from './core/dtype.js';
export {
  type ClipAttrs,
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
  type Pool2DAttrs,
  type SGDAttrs,
} from './core/kernel_names.js';
export { broadcastShapes, fmtShape, type Shape, sizeOf } from './core/shape.js';
export { Tensor } from './core/tensor.js';
export type { DataId, TensorInfo } from './core/tensor_info.js';
export { Variable, variable } from './core/variable.js';
// Engine.
export {
  dispose,
  grad,
  grads,
  keep,
  memory,
  noGrad,
  type TensorContainer,
  tidy,
  valueAndGrad,
  valueAndGrads,
} from './engine/api.js';
export { type CustomGradResult, customGrad } from './engine/custom_grad.js';
export {
  ENGINE,
  type GradFn,
  type MemoryInfo,
  registerGradient,
  type TensorInputs,
} from './engine/engine.js';
export {
  type FormatProfileOptions,
  formatProfile,
  type KernelProfile,
  type Profile,
  type ProfileOptions,
  ProfileSession,
  profile,
  startProfile,
} from './engine/profile.js';
export {
  type BackendFactory,
  findBackend,
  getBackend,
  initBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setBackend,
} from './engine/registry.js';
// Tuning flags.
export {
  boolFlag,
  defineFlags,
  enumFlag,
  type FlagRow,
  type FlagSpec,
  Flags,
  type FlagValue,
  intFlag,
  stringFlag,
} from './flags/flags.js';
// Ops.
export { type BatchNormOptions, batchNorm, batchNormRelu } from './ops/batchnorm.js';
export {
  type Conv2DOptions,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  type Padding,
  type Pair,
  planConv2d,
  resolvePadding,
  resolvePair,
  windowOut,
} from './ops/conv.js';
export {
  arange,
  full,
  heNormal,
  type NestedArray,
  ones,
  onesLike,
  type RandomOptions,
  randomNormal,
  randomUniform,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export {
  add,
  cast,
  clip,
  clipGrad,
  clone,
  div,
  exp,
  greaterEqual,
  log,
  maximum,
  mul,
  neg,
  pow,
  relu,
  relu6,
  sqrt,
  square,
  step,
  sub,
} from './ops/elementwise.js';
export {
  type FusedConv2DOptions,
  fusedConv2d,
  type InferenceBatchNorm,
} from './ops/fused_conv.js';
export { channelShuffle, concat, flatten, pad, reshape, slice, transpose } from './ops/layout.js';
export { logSoftmax, oneHot, type Reduction, softmax, softmaxCrossEntropy } from './ops/loss.js';
export { type MatMulOptions, matmul } from './ops/matmul.js';
export { avgPool2d, globalAvgPool, maxPool2d, type Pool2DOptions } from './ops/pool.js';
export { dropout, statelessRandomUniform } from './ops/random.js';
export { argmax, max, mean, type ReduceOptions, sum } from './ops/reduction.js';
export { sgdUpdate } from './ops/sgd.js';
export { topk } from './ops/topk.js';
export { run as runKernel, type TensorLike } from './ops/util.js';
// Random.
export {
  globalRng,
  Random,
  type RandomState,
  setSeed,
  splitmix32,
} from './random/prng.js';
export {
  mix32,
  statelessBits,
  statelessKeyWords,
  UNIFORM_24,
} from './random/stateless.js';
