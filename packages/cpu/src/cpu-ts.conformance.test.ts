import { runBackendConformance } from '@igcnet/tensor/testing';
import { createCpuBackend, setCpuKernelOptions } from './index.js';

// The plain TypeScript path, as IGCNET_CPU_KERNELS=ts or a host without WebAssembly threads
// runs it: tensors in plain arrays, no wasm kernel (vitest isolates this file's settings).
setCpuKernelOptions({ impl: 'ts' });
runBackendConformance({ name: 'cpu (plain TypeScript)', factory: createCpuBackend });
