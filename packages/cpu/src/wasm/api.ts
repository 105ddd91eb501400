// The slice of the WebAssembly JS API these kernels use. The package compiles with lib ES2022
// and Node types, neither of which declares the WebAssembly namespace, and a global declaration
// here could clash with one added later, so the API is typed locally and read from globalThis.

/** A compiled module; opaque here, but it can be posted to workers. */
export type WasmModule = object;

/** A linear memory (shared here, so its buffer is a SharedArrayBuffer). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (
    m: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => {
    exports: Record<string, unknown>;
  };
}

/** The WebAssembly API, or undefined where the platform has none. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
