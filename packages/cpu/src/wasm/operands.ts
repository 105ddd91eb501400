import type { WasmHeap } from './heap.js';

/**
 * The heap offsets of one kernel call's operands, and its scratch. Tensors allocated by the CPU
 * backend already lie in the heap and are passed in place; anything else (a plain array: the
 * `impl: 'ts'` storage, a test's array, a tensor that did not fit in the 4 GiB) is copied into
 * a block of the heap for the call, and outputs are copied back by `withCall`.
 */
export class WasmCall {
  private readonly temps: number[] = [];
  private readonly outs: { p: number; a: Float32Array }[] = [];

  constructor(readonly heap: WasmHeap) {}

  /** The offset of `a` for reading. */
  input(a: Float32Array): number {
    if (this.heap.owns(a)) return a.byteOffset;
    const p = this.scratch(a.byteLength);
    this.heap.f32(p, a.length).set(a);
    return p;
  }

  /** The offset `a` is written at; copied back into `a` after the call when not in place. */
  output(a: Float32Array): number {
    if (this.heap.owns(a)) return a.byteOffset;
    const p = this.scratch(a.byteLength);
    this.outs.push({ p, a });
    return p;
  }

  /** The offset of `a` for reading and writing. */
  inout(a: Float32Array): number {
    if (this.heap.owns(a)) return a.byteOffset;
    const p = this.input(a);
    this.outs.push({ p, a });
    return p;
  }

  /** A block of `bytes` of scratch for this call (contents unspecified). */
  scratch(bytes: number): number {
    const p = this.heap.alloc(bytes, false);
    if (p === 0) {
      throw new Error(
        `cpu: the WebAssembly memory cannot grow by ${bytes} bytes (it holds ${this.heap.capacity})`,
      );
    }
    this.temps.push(p);
    return p;
  }

  /** A float32 view of the heap at `p`. */
  f32(p: number, length: number): Float32Array {
    return this.heap.f32(p, length);
  }

  /** Copies outputs that were not in place back into their arrays. */
  copyOut(): void {
    for (const { p, a } of this.outs) a.set(this.heap.f32(p, a.length));
  }

  /** Frees the scratch and copies. */
  release(): void {
    for (const p of this.temps) this.heap.free(p);
    this.temps.length = 0;
  }
}

/** Runs `f` with a fresh call on `heap`: copies outputs back after it, frees its blocks always. */
export function withCall<T>(heap: WasmHeap, f: (c: WasmCall) => T): T {
  const c = new WasmCall(heap);
  try {
    const r = f(c);
    c.copyOut();
    return r;
  } finally {
    c.release();
  }
}
