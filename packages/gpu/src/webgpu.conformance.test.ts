/**
 * The backend conformance kit of @igcnet/tensor on WebGPU (SwiftShader in CI): small shapes, the
 * default tolerances, and nothing skipped.
 */
import { runBackendConformance } from '@igcnet/tensor/testing';
import { createWebGpuBackend } from './index.js';

runBackendConformance({
  name: 'webgpu',
  factory: () => createWebGpuBackend(),
  small: true,
  skip: [],
});
