import type { WasmMemory } from './api.js';

/** Below this offset: the kernels' static data, the thread job blocks and their counter. */
export const HEAP_BASE = 65536;
/** Blocks start and end on 64-byte boundaries (cache lines; the kernels' SIMD loads). */
const ALIGN = 64;
const PAGE = 65536;
/** Wasm32 ends at 4 GiB. */
const MAX_BYTES = 2 ** 32;
/**
 * Bytes kept mapped past the top block: vector kernels may read up to a tile past the end of
 * an operand (never storing there), which must not run off the memory.
 */
const SLACK = 64;

function roundUp(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

/**
 * Whoever keeps freed heap blocks for reuse (the stores of storage.ts): each hands them back
 * when called, and says whether it had any. Called before the memory grows.
 */
export const heapPressureHandlers = new Set<() => boolean>();

function relievePressure(): boolean {
  let any = false;
  for (const h of heapPressureHandlers) any = h() || any;
  return any;
}

/**
 * The allocator of the kernels' shared WebAssembly memory: CPU tensors, and the scratch of each
 * kernel call, live in it, so the kernels read and write them where they are. Best fit over
 * free blocks that merge with their free neighbours, then the top of the used region; the
 * memory grows (it never shrinks: WebAssembly cannot) only when nothing fits after the stores
 * handed back what they keep for reuse ({@link heapPressureHandlers}). Sizes are rounded to 64
 * bytes.
 *
 * Views over the memory stay valid when it grows (a shared memory's old SharedArrayBuffer is
 * never detached, it keeps its length), but a view taken before a growth does not reach past
 * its old end: {@link f32} and {@link i32} take views from the current buffer.
 */
export class WasmHeap {
  /** End of the used region: everything above it is free and, up to highWater, dirty. */
  private top = HEAP_BASE;
  /** Offsets below this were written once; fresh memory above it is zero. */
  private highWater = HEAP_BASE;
  /** Free blocks: start → size, end → start, and size → starts (for exact fits). */
  private readonly freeAt = new Map<number, number>();
  private readonly freeEnd = new Map<number, number>();
  private readonly bySize = new Map<number, number[]>();
  /** Live blocks: start → size. */
  private readonly used = new Map<number, number>();
  /** Every SharedArrayBuffer the memory has had: a view over one of them lies in this heap. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private buffer: ArrayBufferLike;

  constructor(private readonly memory: WasmMemory) {
    this.buffer = memory.buffer;
    this.buffers.add(this.buffer);
  }

  /** Bytes of the memory (what the process holds for it). */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes of live blocks. */
  get usedBytes(): number {
    let n = 0;
    for (const s of this.used.values()) n += s;
    return n;
  }

  /** Bytes of free blocks below the top (reusable without growing). */
  get freeBytes(): number {
    let n = 0;
    for (const s of this.freeAt.values()) n += s;
    return n;
  }

  /** The size of the block that {@link alloc} gives for `bytes`. */
  roundSize(bytes: number): number {
    return roundUp(bytes);
  }

  /** Whether `a` is a view into this heap (so a kernel can read it in place). */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /**
   * The offset of a fresh block of at least `bytes` (zeroed when `zero`), or 0 when the memory
   * cannot grow that far (the 4 GiB of wasm32, or the host refuses).
   */
  alloc(bytes: number, zero: boolean): number {
    const size = roundUp(bytes);
    let p = this.fit(size);
    if (p === 0 && relievePressure()) p = this.fit(size);
    if (p === 0) p = this.fromTop(size);
    if (p === 0) return 0;
    this.used.set(p, size);
    const end = p + size;
    if (zero && p < this.highWater) {
      new Uint8Array(this.current(), p, Math.min(end, this.highWater) - p).fill(0);
    }
    if (end > this.highWater) this.highWater = end;
    return p;
  }

  /** Frees the block at `p` (from {@link alloc}). */
  free(p: number): void {
    const size = this.used.get(p);
    if (size === undefined) throw new Error(`cpu heap: no live block at ${p}`);
    this.used.delete(p);
    let start = p;
    let end = p + size;
    const before = this.freeEnd.get(start);
    if (before !== undefined) {
      this.unlink(before);
      start = before;
    }
    const afterSize = this.freeAt.get(end);
    if (afterSize !== undefined) {
      this.unlink(end);
      end += afterSize;
    }
    if (end === this.top) this.top = start;
    else this.link(start, end - start);
  }

  /** A float32 view of `length` floats at byte offset `p`, from the current buffer. */
  f32(p: number, length: number): Float32Array {
    return new Float32Array(this.current(), p, length);
  }

  /** A float64 view of `length` values at byte offset `p` (8-byte aligned), from the current buffer. */
  f64(p: number, length: number): Float64Array {
    return new Float64Array(this.current(), p, length);
  }

  /** An int32 view of `length` values at byte offset `p`, from the current buffer. */
  i32(p: number, length: number): Int32Array {
    return new Int32Array(this.current(), p, length);
  }

  private current(): ArrayBufferLike {
    const b = this.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.buffers.add(b);
    }
    return b;
  }

  /** An exact free block, else the smallest larger one (split), else 0. */
  private fit(size: number): number {
    const exact = this.bySize.get(size);
    if (exact?.length) {
      const p = exact[exact.length - 1]!;
      this.unlink(p);
      return p;
    }
    let best = 0;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const [p, s] of this.freeAt) {
      if (s > size && s < bestSize) {
        best = p;
        bestSize = s;
      }
    }
    if (best === 0) return 0;
    this.unlink(best);
    this.link(best + size, bestSize - size);
    return best;
  }

  /** A block at the top of the used region, growing the memory as needed; 0 when it cannot. */
  private fromTop(size: number): number {
    const p = this.top;
    const end = p + size;
    const need = end + SLACK;
    if (need > MAX_BYTES) return 0;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      // Grow by an eighth at least: each growth is a system call and a new buffer object.
      const want = Math.min(MAX_BYTES, Math.max(need, have + have / 8));
      try {
        this.memory.grow(Math.ceil((want - have) / PAGE));
      } catch {
        try {
          this.memory.grow(Math.ceil((need - have) / PAGE));
        } catch {
          return 0;
        }
      }
    }
    this.top = end;
    return p;
  }

  private link(p: number, size: number): void {
    this.freeAt.set(p, size);
    this.freeEnd.set(p + size, p);
    const list = this.bySize.get(size);
    if (list) list.push(p);
    else this.bySize.set(size, [p]);
  }

  private unlink(p: number): void {
    const size = this.freeAt.get(p)!;
    this.freeAt.delete(p);
    this.freeEnd.delete(p + size);
    const list = this.bySize.get(size)!;
    const i = list.lastIndexOf(p);
    list[i] = list[list.length - 1]!;
    list.pop();
    if (list.length === 0) this.bySize.delete(size);
  }
}
