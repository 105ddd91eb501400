import type { DType, TypedArray } from './dtype.js';
import type { KernelAttrs, KernelInputs, KernelName, KernelOutputs } from './kernel_names.js';
import type { Shape } from './shape.js';
import type { DataId } from './tensor_info.js';

/** What a backend reports of its own memory, beyond the engine's count of live tensors. */
export interface BackendMemory {
  /** Bytes of storage the backend holds for live data. */
  bytes: number;
  /** Bytes held in reuse pools (GPU buffer pools), not owned by any tensor. */
  pooledBytes?: number;
  /** Set when the figures are known to be incomplete. */
  unreliable?: boolean;
}

/** What a kernel implementation receives. */
export interface KernelArgs<K extends KernelName, B extends Backend = Backend> {
  inputs: KernelInputs<K>;
  attrs: KernelAttrs<K>;
  backend: B;
}

/** An implementation of kernel K for backend B. */
export type KernelImpl<K extends KernelName, B extends Backend = Backend> = (
  args: KernelArgs<K, B>,
) => KernelOutputs<K>;

/** The kernels a backend implements; absent ones fail with their name when used. */
export type KernelTable<B extends Backend = Backend> = { [K in KernelName]?: KernelImpl<K, B> };

/** Limits a backend states so that callers can size work (see STYLE.md, jax-js backend.ts). */
export interface BackendLimits {
  /** Largest single allocation in bytes. */
  maxBufferBytes: number;
}

/** Device time of the work attributed to one label (a kernel name), for `profile`. */
export interface DeviceTime {
  ms: number;
  /** Device passes (WebGPU: dispatches) timed under the label. */
  passes: number;
}

/**
 * Device-side timing for the profiler, on backends whose kernels only queue work (WebGPU with
 * timestamp queries). The engine labels each kernel call; the backend attributes the device time
 * of the work queued under a label to it.
 */
export interface DeviceTimer {
  /**
   * Starts timing; returns false when the device cannot (no timestamp queries), and then the
   * profile reports host times only. May serialise work (one pass per dispatch) while it runs.
   */
  start(): boolean;
  /** Work queued from now on belongs to `label`; null ends the label. */
  label(label: string | null): void;
  /** Submits queued work, waits for its timings, stops timing and returns them per label. */
  stop(): Promise<Map<string, DeviceTime>>;
}

/**
 * The backend contract: storage plus a set of kernels. Storage is addressed by opaque `DataId`s;
 * the engine counts references to them and calls `disposeData` when the last tensor goes.
 */
export interface Backend {
  /** Name used with `setBackend`, e.g. `cpu` or `webgpu`. */
  readonly name: string;
  /** Copies `values` into new storage holding a tensor of `shape` and `dtype`. */
  write(values: TypedArray, shape: Shape, dtype: DType): DataId;
  /** Reads storage back; on the GPU this waits for queued work. */
  read(dataId: DataId): Promise<TypedArray>;
  /** Synchronous read, where the backend can do one. */
  readSync?(dataId: DataId): TypedArray;
  /** Frees storage; the engine calls it once no tensor refers to the data. */
  disposeData(dataId: DataId): void;
  /** Memory held by the backend. */
  memory(): BackendMemory;
  /** Kernel implementations, looked up by name. */
  readonly kernels: KernelTable<Backend>;
  /** Limits of the device. */
  readonly limits: BackendLimits;
  /** Submits queued work, if the backend queues any. */
  flush?(): void;
  /** Device-side kernel timing for `profile`, where the backend queues work and can time it. */
  readonly deviceTimer?: DeviceTimer;
  /** Releases every resource; the backend is unusable afterwards. */
  dispose?(): void;
}
