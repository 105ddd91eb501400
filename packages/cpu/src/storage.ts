import {
  type Backend,
  type DataId,
  type DType,
  fmtShape,
  type Shape,
  sizeOf,
  type TensorInfo,
  type TypedArray,
} from '@igcnet/tensor/backend';
import { cpuKernelOptions } from './options.js';
import { heapPressureHandlers, type WasmHeap } from './wasm/heap.js';
import { loadWasmKernels } from './wasm/module.js';

/** Most bytes of freed plain ArrayBuffers a store keeps for reuse (no WebAssembly heap). */
const PLAIN_POOL_LIMIT_BYTES = 512 * 1024 * 1024;

/**
 * The heap tensors are allocated in: the kernels' WebAssembly memory, where the kernels read and
 * write them in place; null with `impl: 'ts'` or where the wasm kernels do not load (tensors are
 * then plain typed arrays). Decided per allocation, so a process that switches `impl` holds
 * both kinds; the wasm kernels copy a plain operand in and out (wasm/operands.ts).
 */
function activeHeap(): WasmHeap | null {
  return cpuKernelOptions().impl === 'ts' ? null : (loadWasmKernels()?.heap ?? null);
}

/** A block of the WebAssembly heap: its offset and rounded size. */
interface HeapBlock {
  heap: WasmHeap;
  p: number;
  size: number;
}

/** Storage behind a tensor: a heap block, or a plain buffer. */
type Block = HeapBlock | ArrayBuffer;

function blockBytes(b: Block): number {
  return b instanceof ArrayBuffer ? b.byteLength : b.size;
}

/** Pool key: heap blocks by rounded size (any request that rounds the same fits), plain buffers by −length. */
function poolKey(b: Block): number {
  return b instanceof ArrayBuffer ? -b.byteLength : b.size;
}

/**
 * The storage of one CPU backend instance: the bytes of its live tensors, and the blocks its
 * freed tensors left for reuse, by size. A training step frees and allocates the same sizes
 * every time, so its allocations are a map lookup. Kept heap blocks go back to the heap (merging
 * with their free neighbours) whenever it would otherwise grow; plain buffers are kept up to
 * 512 MiB.
 */
export class CpuStore {
  /** Bytes of live tensors. */
  bytes = 0;
  /** Bytes of freed storage kept for reuse. */
  pooledBytes = 0;
  private readonly pool = new Map<number, Block[]>();
  private readonly relieve = (): boolean => this.releaseHeapBlocks();

  constructor() {
    heapPressureHandlers.add(this.relieve);
  }

  /**
   * Storage for a tensor of `length` values of `dtype`, zeroed unless `zero` is false (a kernel
   * that writes every element): in the WebAssembly heap when there is one.
   */
  allocate(length: number, dtype: DType, zero: boolean): CpuData {
    const bytes = length * 4;
    const heap = bytes > 0 ? activeHeap() : null;
    const key = heap ? heap.roundSize(bytes) : -bytes;
    const reused = this.pool.get(key)?.pop();
    let block: Block;
    if (reused !== undefined) {
      this.pooledBytes -= blockBytes(reused);
      block = reused;
    } else {
      // Fresh blocks come zeroed (the heap zeroes only memory that was used before).
      const p = heap ? heap.alloc(bytes, zero) : 0;
      // 0: no heap, or it cannot grow (wasm32 ends at 4 GiB): this tensor gets a plain buffer.
      block = heap && p !== 0 ? { heap, p, size: key } : new ArrayBuffer(bytes);
      zero = false;
    }
    const values = view(block, length, dtype);
    if (zero) values.fill(0);
    return new CpuData(values, block, this);
  }

  /** Takes back the block of a freed tensor. */
  give(block: Block): void {
    const bytes = blockBytes(block);
    const plain = block instanceof ArrayBuffer;
    if (bytes === 0 || (plain && this.plainPooled() + bytes > PLAIN_POOL_LIMIT_BYTES)) return;
    const key = poolKey(block);
    const list = this.pool.get(key);
    if (list) list.push(block);
    else this.pool.set(key, [block]);
    this.pooledBytes += bytes;
  }

  /** Hands every kept heap block back to its heap; true when there were any. */
  releaseHeapBlocks(): boolean {
    let any = false;
    for (const [key, list] of this.pool) {
      if (key < 0) continue;
      for (const b of list as HeapBlock[]) b.heap.free(b.p);
      this.pooledBytes -= key * list.length;
      any ||= list.length > 0;
      this.pool.delete(key);
    }
    return any;
  }

  /** Hands back everything kept for reuse and leaves heap pressure to the other stores. */
  dispose(): void {
    this.releaseHeapBlocks();
    this.pool.clear();
    this.pooledBytes = 0;
    heapPressureHandlers.delete(this.relieve);
  }

  private plainPooled(): number {
    let n = 0;
    for (const [key, list] of this.pool) if (key < 0) n -= key * list.length;
    return n;
  }
}

function view(block: Block, length: number, dtype: DType): TypedArray {
  if (block instanceof ArrayBuffer)
    return dtype === 'int32'
      ? new Int32Array(block, 0, length)
      : new Float32Array(block, 0, length);
  return dtype === 'int32' ? block.heap.i32(block.p, length) : block.heap.f32(block.p, length);
}

/** The CPU backend's storage handle: the values, where they live, and whose they are. */
export class CpuData {
  freed = false;
  constructor(
    public readonly values: TypedArray,
    private readonly block: Block,
    private readonly store: CpuStore,
  ) {
    store.bytes += values.byteLength;
  }

  /** Frees the storage; its block may be handed to a later allocation of the same store. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.store.bytes -= this.values.byteLength;
    this.store.give(this.block);
  }
}

/**
 * The store of the backend that runs the current kernel (register.ts binds it around each
 * kernel call; kernels run synchronously, so one binding at a time is live). Kernels called
 * with a backend that is not a CPU backend account to the process's default store.
 */
let current: CpuStore | undefined;
let fallback: CpuStore | undefined;

/** The store kernels allocate from now. */
function currentStore(): CpuStore {
  if (current) return current;
  fallback ??= new CpuStore();
  return fallback;
}

/** A backend that holds a CPU store (a `CpuBackend`). */
interface WithStore {
  store: CpuStore;
}

/** Runs `f` (a kernel) with its outputs allocated from `backend`'s store. */
export function withStoreOf<T>(backend: Backend, f: () => T): T {
  const prev = current;
  const s = (backend as Partial<WithStore>).store;
  current = s instanceof CpuStore ? s : undefined;
  try {
    return f();
  } finally {
    current = prev;
  }
}

/** The values behind a tensor handed to a CPU kernel. */
export function vals(t: TensorInfo): TypedArray {
  const d = t.dataId;
  if (!(d instanceof CpuData))
    throw new Error(`cpu: tensor ${fmtShape(t.shape)} does not hold CPU data`);
  return d.values;
}

/** The float32 values behind a tensor. */
export function f32(t: TensorInfo): Float32Array {
  return vals(t) as Float32Array;
}

/**
 * Wraps values a kernel made itself, in a plain array of its own, as an output (small outputs:
 * `alloc` puts them in the WebAssembly heap, where the kernels read them in place).
 */
export function out(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
  const whole =
    values.buffer instanceof ArrayBuffer &&
    values.byteOffset === 0 &&
    values.buffer.byteLength === values.byteLength;
  const own = whole ? values : values.slice();
  return {
    dataId: new CpuData(own, own.buffer as ArrayBuffer, currentStore()) as DataId,
    shape,
    dtype,
  };
}

/**
 * Allocates an output of `shape` and `dtype` from the current store: zeroed, unless `zero` is
 * false for a kernel that writes every element (reused storage then keeps stale values until
 * overwritten).
 */
export function alloc(
  shape: Shape,
  dtype: DType,
  zero = true,
): { values: TypedArray; info: TensorInfo } {
  const d = currentStore().allocate(sizeOf(shape), dtype, zero);
  return { values: d.values, info: { dataId: d as DataId, shape, dtype } };
}

/** Allocates a float32 output of `shape`; see {@link alloc} for `zero`. */
export function allocF32(shape: Shape, zero = true): { values: Float32Array; info: TensorInfo } {
  const { values, info } = alloc(shape, 'float32', zero);
  return { values: values as Float32Array, info };
}

/** The WebAssembly memory the CPU tensors of this process live in (see {@link cpuHeapInfo}). */
export interface CpuHeapInfo {
  /** Bytes of the memory: the most the process held at once, plus fragmentation. */
  capacityBytes: number;
  /** Bytes of live blocks: tensors of every backend instance, their pools, kernel scratch. */
  usedBytes: number;
  /** Bytes of free blocks below the top of the used region. */
  freeBytes: number;
}

/**
 * The process-wide WebAssembly memory shared by every CPU backend instance, or null where the
 * WebAssembly kernels do not load (tensors are then plain arrays). A backend's own `memory()`
 * reports only its tensors and its pool.
 */
export function cpuHeapInfo(): CpuHeapInfo | null {
  const heap = loadWasmKernels()?.heap;
  if (!heap) return null;
  return { capacityBytes: heap.capacity, usedBytes: heap.usedBytes, freeBytes: heap.freeBytes };
}
