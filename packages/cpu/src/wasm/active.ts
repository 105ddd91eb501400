import { cpuKernelOptions } from '../options.js';
import { loadWasmKernels, type WasmKernels } from './module.js';

/** The wasm kernels when the settings allow them and they load; null means plain TypeScript. */
export function activeWasm(): WasmKernels | null {
  const { impl } = cpuKernelOptions();
  if (impl === 'ts') return null;
  const k = loadWasmKernels();
  if (!k && impl === 'wasm')
    throw new Error('CPU kernels: WebAssembly SIMD kernels are unavailable here');
  return k;
}
