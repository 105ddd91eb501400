/**
 * Command batching: dispatches go into one open compute pass of one command encoder, and the
 * encoder is submitted once per step (`flush`), at a read, or when a batch grows large. Uniforms
 * of a batch are packed into shared 64 KiB chunks (one `writeBuffer` per chunk at submit), not one
 * new buffer per dispatch. Pipelines are cached by a key that leaves shapes out.
 */
import { BufferUsage } from '../buffers/pool.js';
import { type Fields, packUniforms, uniformBytes, type Values, wgslUniforms } from './uniforms.js';

const CHUNK_BYTES = 64 * 1024;
/** Submit once this many dispatches are queued, so that released buffers become reusable. */
const MAX_DISPATCHES = 1024;
/** …or once this many released bytes wait for a submit. */
const MAX_PENDING_BYTES = 256 * 1024 * 1024;
/** Compute passes timed per submit when profiling. */
const PROFILE_PASSES = 256;

interface Profiler {
  querySet: GPUQuerySet;
  passes: number;
  pending: Promise<void>[];
  ns: number;
  /** When set, every dispatch is submitted alone and its time is added under its program key. */
  byKernel: Map<string, { ns: number; count: number }> | null;
  lastKey: string;
}

/** A compute program: its code is built once per key; shapes travel in uniforms. */
export interface Program<F extends Fields> {
  /** Cache key: the program family plus whatever changes the code (never a shape). */
  key: string;
  /** Uniform fields. */
  fields: F;
  /** WGSL given the uniform declaration text (its binding is the last one). */
  code: (uniforms: string) => string;
}

interface Chunk {
  buffer: GPUBuffer;
  data: ArrayBuffer;
  i32: Int32Array;
  u32: Uint32Array;
  f32: Float32Array;
  used: number;
}

/** Executor statistics, for tests and the benchmark. */
export interface ExecStats {
  dispatches: number;
  submits: number;
  pipelines: number;
  uniformChunks: number;
}

export class Executor {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private queued = 0;
  private pipelines = new Map<
    string,
    { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }
  >();
  private freeChunks: Chunk[] = [];
  private usedChunks: Chunk[] = [];
  private allChunks = 0;
  private profiler: Profiler | null = null;
  /**
   * While per-kernel timing runs: the name its dispatches are timed under instead of their
   * program key (the profiler sets the contract kernel's name).
   */
  timingLabel: string | null = null;
  private align: number;
  readonly stats: ExecStats = { dispatches: 0, submits: 0, pipelines: 0, uniformChunks: 0 };

  constructor(
    private device: GPUDevice,
    minUniformAlign: number,
    /** Called after each submit (the pool frees what waited for it). */
    private onSubmitted: () => void,
    /** Bytes released and waiting for a submit. */
    private pendingBytes: () => number,
  ) {
    this.align = Math.max(256, minUniformAlign);
  }

  /**
   * The pipeline of a program, compiled once per key. Its bind group layout is explicit (read from
   * the bindings the code declares) rather than 'auto', so a binding that a variant leaves unused
   * (a scalar view when a vec4 view of the same buffer does the reading) stays valid.
   */
  private pipeline<F extends Fields>(
    p: Program<F>,
    bindings: number,
  ): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
    const key = `${p.key}|${bindings}`;
    let entry = this.pipelines.get(key);
    if (!entry) {
      const code = p.code(wgslUniforms(p.fields, bindings));
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (const m of code.matchAll(
        /@binding\((\d+)\)\s*var<(uniform|storage,\s*read_write|storage,\s*read)>/g,
      )) {
        const kind = m[2]!;
        const type: GPUBufferBindingType =
          kind === 'uniform'
            ? 'uniform'
            : kind.includes('read_write')
              ? 'storage'
              : 'read-only-storage';
        entries.push({
          binding: Number(m[1]),
          visibility: 0x4 /* GPUShaderStage.COMPUTE */,
          buffer: { type },
        });
      }
      const layout = this.device.createBindGroupLayout({ entries, label: p.key });
      const module = this.device.createShaderModule({ code, label: p.key });
      const pipeline = this.device.createComputePipeline({
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
        label: p.key,
      });
      entry = { pipeline, layout };
      this.pipelines.set(key, entry);
      this.stats.pipelines++;
    }
    return entry;
  }

  private uniformSlot(bytes: number): { chunk: Chunk; offset: number } {
    let chunk = this.usedChunks[this.usedChunks.length - 1];
    if (!chunk || chunk.used + bytes > CHUNK_BYTES) {
      chunk = this.freeChunks.pop();
      if (!chunk) {
        const data = new ArrayBuffer(CHUNK_BYTES);
        chunk = {
          buffer: this.device.createBuffer({
            size: CHUNK_BYTES,
            usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
          }),
          data,
          i32: new Int32Array(data),
          u32: new Uint32Array(data),
          f32: new Float32Array(data),
          used: 0,
        };
        this.allChunks++;
        this.stats.uniformChunks = this.allChunks;
      }
      chunk.used = 0;
      this.usedChunks.push(chunk);
    }
    const offset = chunk.used;
    chunk.used = Math.ceil((offset + bytes) / this.align) * this.align;
    return { chunk, offset };
  }

  private open(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) {
      const p = this.profiler;
      if (p && p.passes < PROFILE_PASSES) {
        const i = p.passes++;
        this.pass = this.encoder.beginComputePass({
          timestampWrites: {
            querySet: p.querySet,
            beginningOfPassWriteIndex: 2 * i,
            endOfPassWriteIndex: 2 * i + 1,
          },
        });
      } else {
        this.pass = this.encoder.beginComputePass();
      }
    }
    return this.pass;
  }

  /**
   * GPU-side timing with the `timestamp-query` feature: every compute pass records its start and
   * end, and `profiledNs` sums the passes' durations. Off by default (timestamps cost a resolve and
   * a read-back per submit); the benchmark turns it on.
   */
  enableProfiling(): boolean {
    if (this.profiler) return true;
    if (!this.device.features.has('timestamp-query')) return false;
    this.profiler = {
      querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * PROFILE_PASSES }),
      passes: 0,
      pending: [],
      ns: 0,
      byKernel: null,
      lastKey: '',
    };
    return true;
  }

  /**
   * Per-kernel GPU time (a diagnostic: every dispatch is then submitted on its own). Returns the
   * table gathered since the previous call, or starts gathering.
   */
  async kernelTimes(on: boolean): Promise<Map<string, { ns: number; count: number }>> {
    if (!this.enableProfiling()) return new Map();
    const p = this.profiler!;
    await this.profiledNs();
    const table = p.byKernel ?? new Map();
    p.byKernel = on ? new Map() : null;
    return table;
  }

  /**
   * Starts per-kernel timing at once (what was queued before is submitted first, untimed by
   * kernel); `kernelTimes(false)` ends it and returns the table. False without timestamp queries.
   */
  startKernelTimes(): boolean {
    if (!this.enableProfiling()) return false;
    this.flush();
    this.profiler!.byKernel = new Map();
    return true;
  }

  /** Nanoseconds of compute-pass time measured since the last call (waits for the read-backs). */
  async profiledNs(): Promise<number> {
    const p = this.profiler;
    if (!p) return Number.NaN;
    const pending = p.pending;
    p.pending = [];
    await Promise.all(pending);
    const ns = p.ns;
    p.ns = 0;
    return ns;
  }

  private resolveProfile(enc: GPUCommandEncoder): (() => void) | null {
    const p = this.profiler;
    if (!p || p.passes === 0) return null;
    const n = p.passes;
    p.passes = 0;
    const key = p.lastKey;
    const table = p.byKernel;
    const bytes = 16 * n;
    const resolve = this.device.createBuffer({
      size: bytes,
      usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC,
    });
    const read = this.device.createBuffer({
      size: bytes,
      usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
    });
    enc.resolveQuerySet(p.querySet, 0, 2 * n, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, bytes);
    return () => {
      p.pending.push(
        read.mapAsync(1).then(
          () => {
            const t = new BigUint64Array(read.getMappedRange());
            let ns = 0;
            for (let i = 0; i < n; i++) ns += Number(t[2 * i + 1]! - t[2 * i]!);
            p.ns += ns;
            if (table) {
              const e = table.get(key) ?? { ns: 0, count: 0 };
              e.ns += ns;
              e.count++;
              table.set(key, e);
            }
            read.unmap();
            read.destroy();
            resolve.destroy();
          },
          () => {
            read.destroy();
            resolve.destroy();
          },
        ),
      );
    };
  }

  private closePass(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return this.encoder;
  }

  /**
   * Queues one dispatch. `buffers` bind to 0…n−1 in order (the program declares them the same way);
   * the uniforms bind to n.
   */
  dispatch<F extends Fields>(
    p: Program<F>,
    buffers: readonly GPUBuffer[],
    values: Values<F>,
    grid: readonly [number, number, number],
  ): void {
    if (grid[0] === 0 || grid[1] === 0 || grid[2] === 0) return;
    const { pipeline, layout } = this.pipeline(p, buffers.length);
    const bytes = uniformBytes(p.fields);
    const { chunk, offset } = this.uniformSlot(bytes);
    packUniforms(p.fields, values, chunk.i32, chunk.u32, chunk.f32, offset / 4);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
      binding,
      resource: { buffer },
    }));
    entries.push({
      binding: buffers.length,
      resource: { buffer: chunk.buffer, offset, size: bytes },
    });
    const group = this.device.createBindGroup({ layout, entries });
    const pass = this.open();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.queued++;
    this.stats.dispatches++;
    if (this.profiler?.byKernel) {
      this.profiler.lastKey = this.timingLabel ?? p.key;
      this.flush();
    } else if (this.queued >= MAX_DISPATCHES || this.pendingBytes() >= MAX_PENDING_BYTES)
      this.flush();
  }

  /** Queues a buffer-to-buffer copy, ordered with the dispatches. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.closePass().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.queued++;
  }

  /** Submits what is queued (nothing if nothing is). */
  flush(): void {
    if (!this.encoder) {
      this.onSubmitted();
      return;
    }
    const enc = this.closePass();
    const afterSubmit = this.resolveProfile(enc);
    for (const c of this.usedChunks) this.device.queue.writeBuffer(c.buffer, 0, c.data, 0, c.used);
    this.device.queue.submit([enc.finish()]);
    afterSubmit?.();
    this.encoder = null;
    this.queued = 0;
    this.stats.submits++;
    // Queue order: the next batch's writeBuffer to a chunk lands after this submit read it.
    this.freeChunks.push(...this.usedChunks);
    this.usedChunks = [];
    this.onSubmitted();
  }

  /** The open encoder with its compute pass ended, for copies a read appends before it submits. */
  encoderForCopy(): GPUCommandEncoder {
    return this.closePass();
  }

  dispose(): void {
    if (this.pass) this.pass.end();
    this.pass = null;
    this.encoder = null;
    for (const c of [...this.freeChunks, ...this.usedChunks]) c.buffer.destroy();
    this.freeChunks = [];
    this.usedChunks = [];
    this.pipelines.clear();
  }
}
