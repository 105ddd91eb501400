/**
 * Storage buffers by size class. A released buffer first waits in `pending` and joins its free
 * list only when the work queued so far has been submitted (onnxruntime's gpu-data-manager,
 * tinygrad's LRUAllocator): queue order then guarantees that earlier commands read it before any
 * later write. On allocation failure the free lists are dropped and the allocation retried.
 */

/** Usage flags (numeric, so that Node needs no WebGPU globals). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;

const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
const MIN_BYTES = 256;

/** Rounds a byte count up to its size class: powers of two split in quarters (≤ 25% slack). */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const p = 2 ** Math.floor(Math.log2(bytes - 1));
  const quarter = p / 4;
  return Math.ceil(bytes / quarter) * quarter;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  /** Bytes in free lists and pending. */
  pooledBytes = 0;
  /** Bytes of buffers handed out and not released. */
  liveBytes = 0;
  /** Bytes released since the last submit. */
  pendingBytes = 0;

  constructor(
    private device: GPUDevice,
    private maxBufferSize: number,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    if (size > this.maxBufferSize) {
      throw new Error(
        `webgpu: a buffer of ${bytes} bytes exceeds the device's maxBufferSize of ${this.maxBufferSize}`,
      );
    }
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= size;
      this.liveBytes += size;
      return reused;
    }
    let buf: GPUBuffer;
    try {
      buf = this.device.createBuffer({ size, usage: STORAGE_USAGE });
    } catch {
      this.trim();
      buf = this.device.createBuffer({ size, usage: STORAGE_USAGE });
    }
    this.liveBytes += size;
    return buf;
  }

  /** Returns a buffer; it becomes reusable after the next submit. */
  release(buf: GPUBuffer): void {
    this.liveBytes -= buf.size;
    this.pooledBytes += buf.size;
    this.pendingBytes += buf.size;
    this.pending.push(buf);
  }

  /** Called right after a submit: what was released before it may now be reused. */
  onSubmitted(): void {
    for (const b of this.pending) {
      let list = this.free.get(b.size);
      if (!list) {
        list = [];
        this.free.set(b.size, list);
      }
      list.push(b);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Destroys every free buffer (pending ones stay until submitted). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.pooledBytes -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }

  dispose(): void {
    this.trim();
    for (const b of this.pending) b.destroy();
    this.pending = [];
    this.pooledBytes = 0;
    this.pendingBytes = 0;
  }
}
