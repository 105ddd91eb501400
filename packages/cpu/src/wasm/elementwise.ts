import { activeWasm } from './active.js';
import type { WasmKernels } from './module.js';

/**
 * Floats below which the TypeScript loop stays: a wasm call costs about a microsecond, and
 * small tensors (biases, statistics) are most of the calls.
 */
const WASM_MIN_FLOATS = 16384;

/**
 * The wasm kernels, when an elementwise pass over these float32 arrays should run on them: large
 * enough, and all of them in the kernels' memory (a plain array would need a copy in and out,
 * which costs more than the pass saves).
 */
export function elementwiseWasm(arrays: readonly Float32Array[]): WasmKernels | null {
  if (arrays[0]!.length < WASM_MIN_FLOATS) return null;
  const k = activeWasm();
  if (!k) return null;
  for (const a of arrays) if (!k.heap.owns(a)) return null;
  return k;
}
