/**
 * The WebGPU backend: storage in pooled storage buffers, dispatches batched into one command
 * encoder that is submitted per step (`flush`) or at a read. The class holds the device and
 * storage and imports no kernel: the WGSL kernels depend on its type, and `register.ts` wires
 * their table in (as tfjs's `register_all_kernels.ts`).
 */
import {
  type Backend,
  type BackendLimits,
  type BackendMemory,
  type DataId,
  type DeviceTime,
  type DeviceTimer,
  type DType,
  type KernelTable,
  type Shape,
  sizeOf,
  type TensorInfo,
  type TypedArray,
} from '@igcnet/tensor/backend';
import { BufferPool, BufferUsage } from './buffers/pool.js';
import { GpuData } from './data.js';
import {
  type AdapterDescription,
  acquireDevice,
  DeviceHealth,
  type DeviceLimits,
  type DeviceOptions,
} from './device/device.js';
import { type ExecStats, Executor, type Program } from './exec/executor.js';
import type { Fields, Values } from './exec/uniforms.js';

/**
 * Options of `createWebGpuBackend`: those of device acquisition, e.g. `{ subgroups: false }` for
 * the kernels that reduce through workgroup memory only.
 */
export interface WebGpuOptions extends DeviceOptions {}

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly limits: BackendLimits;
  private readonly pool: BufferPool;
  private readonly exec: Executor;
  private readonly health: DeviceHealth;
  private live = new Set<GpuData>();
  /** Kept alive on purpose (see AcquiredDevice.gpu); dropped on dispose so that Node can exit. */
  private gpuRoot: GPU | null;

  private constructor(
    /** The kernel table (`createWebGpuBackend` passes the package's own). */
    readonly kernels: KernelTable,
    gpuRoot: GPU,
    readonly device: GPUDevice,
    /** The adapter that runs the kernels, and whether it is a software fallback. */
    readonly adapterInfo: AdapterDescription,
    readonly deviceLimits: DeviceLimits,
  ) {
    this.gpuRoot = gpuRoot;
    this.limits = { maxBufferBytes: deviceLimits.maxBufferSize };
    this.health = new DeviceHealth(device, adapterInfo.name);
    this.pool = new BufferPool(
      device,
      Math.min(deviceLimits.maxBufferSize, deviceLimits.maxStorageBufferBindingSize),
    );
    this.exec = new Executor(
      device,
      deviceLimits.minUniformBufferOffsetAlignment,
      () => this.pool.onSubmitted(),
      () => this.pool.pendingBytes,
    );
  }

  /**
   * Acquires an adapter and device (async: adapters are requested asynchronously) for a backend
   * running `kernels`. `createWebGpuBackend` is the usual way, with the package's kernels.
   */
  static async create(kernels: KernelTable, opts: WebGpuOptions = {}): Promise<WebGpuBackend> {
    const { gpu, device, info, limits } = await acquireDevice(opts);
    return new WebGpuBackend(kernels, gpu, device, info, limits);
  }

  // ---- storage -------------------------------------------------------------------------------

  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    this.health.check('write');
    const data = this.allocData(values.length, dtype);
    if (values.length > 0) {
      const src =
        dtype === 'int32' && !(values instanceof Int32Array)
          ? Int32Array.from(values)
          : dtype === 'float32' && !(values instanceof Float32Array)
            ? Float32Array.from(values)
            : values;
      this.device.queue.writeBuffer(data.buffer, 0, src.buffer, src.byteOffset, src.byteLength);
    }
    void shape;
    return data;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    this.health.check('read');
    const d = this.data(dataId, 'read');
    const out = d.dtype === 'int32' ? new Int32Array(d.size) : new Float32Array(d.size);
    if (d.size === 0) return out;
    const staging = this.device.createBuffer({
      size: d.bytes,
      usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
    });
    try {
      this.exec.encoderForCopy().copyBufferToBuffer(d.buffer, 0, staging, 0, d.bytes);
      this.exec.flush();
      try {
        await staging.mapAsync(1 /* GPUMapMode.READ */);
      } catch (e) {
        this.health.check('read');
        throw new Error(`webgpu read: mapping the result failed: ${String(e)}`);
      }
      // An error or a device loss while the work ran means these numbers are not to be trusted.
      this.health.check('read');
      const bytes = new Uint8Array(staging.getMappedRange(0, d.bytes));
      new Uint8Array(out.buffer).set(bytes);
      staging.unmap();
    } finally {
      staging.destroy();
    }
    return out;
  }

  disposeData(dataId: DataId): void {
    const d = this.data(dataId, 'dispose');
    d.freed = true;
    this.live.delete(d);
    this.pool.release(d.buffer);
  }

  memory(): BackendMemory {
    return { bytes: this.pool.liveBytes, pooledBytes: this.pool.pooledBytes };
  }

  /** Submits the queued work: call once per training step. */
  flush(): void {
    this.health.check('flush');
    this.exec.flush();
  }

  /** Waits until the device has finished everything submitted (flushes first). */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.health.check('sync');
  }

  dispose(): void {
    if (this.health.disposed) return;
    try {
      this.exec.flush();
    } catch {
      // The device may already be gone.
    }
    this.health.disposed = true;
    this.live.clear();
    this.exec.dispose();
    this.pool.dispose();
    this.device.destroy();
    this.gpuRoot = null;
  }

  /**
   * Whether kernels use subgroup operations: the adapter has the `subgroups` feature and it was
   * not turned off (`{ subgroups: false }` or `IGCNET_GPU_SUBGROUPS=0`). Fixed for the device's
   * life, so pipeline keys carry it and the cache never mixes variants.
   */
  get subgroups(): boolean {
    return this.adapterInfo.features.includes('subgroups');
  }

  /** Whether the backend still holds its device (false after dispose). */
  get alive(): boolean {
    return this.gpuRoot !== null;
  }

  /**
   * Turns on GPU-side timing of compute passes (needs the adapter's `timestamp-query` feature);
   * returns whether it is available.
   */
  enableProfiling(): boolean {
    return this.exec.enableProfiling();
  }

  /** GPU milliseconds of compute passes since the last call (NaN without profiling). */
  async gpuMs(): Promise<number> {
    return (await this.exec.profiledNs()) / 1e6;
  }

  /**
   * Diagnostic: GPU time per kernel program. `kernelTimes(true)` starts gathering (every dispatch
   * is then submitted alone, so totals run slower); a later call returns the table in ms.
   */
  async kernelTimes(on: boolean): Promise<{ key: string; ms: number; count: number }[]> {
    this.exec.flush();
    const t = await this.exec.kernelTimes(on);
    return [...t.entries()]
      .map(([key, v]) => ({ key, ms: v.ns / 1e6, count: v.count }))
      .sort((a, b) => b.ms - a.ms);
  }

  /**
   * The profiler's device timer (`profile` of @igcnet/tensor): with timestamp queries, each
   * dispatch is submitted alone and its compute-pass time goes to the kernel that queued it.
   */
  readonly deviceTimer: DeviceTimer = {
    start: () => this.exec.startKernelTimes(),
    label: (label) => {
      this.exec.timingLabel = label;
    },
    stop: async () => {
      this.exec.timingLabel = null;
      this.exec.flush();
      const table = await this.exec.kernelTimes(false);
      const out = new Map<string, DeviceTime>();
      for (const [key, v] of table) out.set(key, { ms: v.ns / 1e6, passes: v.count });
      return out;
    },
  };

  /** Dispatch, submit and pipeline counts. */
  get execStats(): Readonly<ExecStats> {
    return this.exec.stats;
  }

  // ---- what kernels use ----------------------------------------------------------------------

  private allocData(size: number, dtype: DType): GpuData {
    const buffer = this.pool.acquire(Math.max(4, size * 4));
    const d = new GpuData(buffer, size, dtype);
    this.live.add(d);
    return d;
  }

  private data(dataId: DataId, op: string): GpuData {
    if (!(dataId instanceof GpuData))
      throw new Error(`webgpu ${op}: storage handle does not belong to the WebGPU backend`);
    if (dataId.freed) throw new Error(`webgpu ${op}: storage was already freed`);
    return dataId;
  }

  /** A new output tensor's storage. */
  alloc(shape: Shape, dtype: DType): TensorInfo {
    return { dataId: this.allocData(sizeOf(shape), dtype), shape: [...shape], dtype };
  }

  /** A scratch buffer for a kernel's intermediate values; release it with `releaseScratch`. */
  scratch(elements: number): GPUBuffer {
    return this.pool.acquire(Math.max(4, elements * 4));
  }

  /** Returns a scratch buffer; it is reused only after the work queued so far is submitted. */
  releaseScratch(buf: GPUBuffer): void {
    this.pool.release(buf);
  }

  /** The buffer behind a kernel input or output. */
  buf(t: TensorInfo): GPUBuffer {
    return this.data(t.dataId, 'kernel').buffer;
  }

  /** Queues a dispatch. */
  run<F extends Fields>(
    p: Program<F>,
    buffers: readonly GPUBuffer[],
    values: Values<F>,
    grid: readonly [number, number, number],
  ): void {
    this.health.check(p.key);
    this.exec.dispatch(p, buffers, values, grid);
  }

  /** Queues a copy of `elements` 32-bit words between buffers, at element offsets. */
  copyBuffers(
    src: GPUBuffer,
    srcOffset: number,
    dst: GPUBuffer,
    dstOffset: number,
    elements: number,
  ): void {
    this.health.check('copy');
    this.exec.copy(src, srcOffset * 4, dst, dstOffset * 4, elements * 4);
  }

  /** Queues a copy of `elements` values from the start of `src` to the start of `dst`. */
  copy(src: TensorInfo, dst: TensorInfo, elements: number): void {
    this.health.check('copy');
    this.exec.copy(this.buf(src), 0, this.buf(dst), 0, elements * 4);
  }
}
