export {
  type CpuKernelImpl,
  type CpuKernelOptions,
  cpuKernelOptions,
  setCpuKernelOptions,
} from './config.js';
export { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from './conv2d.js';
export { type GemmArgs, sgemm } from './matmul.js';
export { type ConvShape, convOutSize, convShapeOf } from './types.js';
