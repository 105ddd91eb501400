import { activeWasm } from './active.js';
import type { WasmKernels } from './module.js';
import { withCall } from './operands.js';

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

/**
 * The FusedConv2D epilogue on the wasm kernels, when `v` qualifies (see elementwiseWasm): in
 * place v = v·scale[ch] + shift[ch] per plane of [n, c, plane], then ReLU when `relu`, with the
 * TypeScript epilogue's float64 arithmetic and bits. Returns false when it did not run.
 */
export function wasmAffine(
  v: Float32Array,
  dims: readonly [number, number, number],
  scale: Float64Array,
  shift: Float64Array,
  relu: boolean,
): boolean {
  const k = elementwiseWasm([v]);
  if (!k) return false;
  const [n, c, plane] = dims;
  withCall(k.heap, (w) => {
    const ps = w.scratch(c * 8);
    const pt = w.scratch(c * 8);
    w.heap.f64(ps, c).set(scale);
    w.heap.f64(pt, c).set(shift);
    k.exports.ewAffine(v.byteOffset, n, c, plane, ps, pt, relu ? 1 : 0);
  });
  return true;
}
