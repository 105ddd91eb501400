import type { DType, TypedArray } from './dtype.js';
import type { KernelAttrs, KernelInputs, KernelName, KernelOutputs } from './kernel_names.js';
import type { Shape } from './shape.js';
import type { DataId } from './tensor_info.js';

/** What a backend reports of its own memory, beyond the engine's count of live tensors. */
export interface BackendMemory {
  /**
   * Bytes of storage the backend holds for live data. The conformance kit's memory test requires
   * it to be equal after step 1 and after step 100 of a training loop, unless `unreliable`.
   */
  bytes: number;
  /** Bytes held in reuse pools (freed storage kept for later allocations), not owned by a tensor. */
  pooledBytes?: number;
  /**
   * Set when `bytes` is known to be an estimate (storage freed asynchronously, or shared with
   * something the backend cannot count): the kit then skips its exact comparison of `bytes`.
   */
  unreliable?: boolean;
}

/**
 * What a kernel implementation receives.
 *
 * The engine passes its own `Tensor` objects as the inputs; they implement `TensorInfo`, which is
 * all a kernel may use of them: read `dataId`, `shape` and `dtype`, never keep, dispose or read
 * them back through the tensor API (a kernel runs inside the engine). A backend that calls a
 * kernel itself (a delegating backend) may pass plain `{ dataId, shape, dtype }` objects.
 */
export interface KernelArgs<K extends KernelName, B extends Backend = Backend> {
  /** The inputs, validated by the op (see the kernel's doc in `KernelDefs`). */
  inputs: KernelInputs<K>;
  /** The attributes, resolved and validated by the op. */
  attrs: KernelAttrs<K>;
  /** The backend the kernel runs on: the one whose `kernels` table holds it. */
  backend: B;
}

/**
 * An implementation of kernel K for backend B: returns the kernel's outputs as fresh storage of
 * B (see `Backend` for ownership and aliasing).
 *
 * Written as a method's type on purpose: its `backend` parameter is then compared both ways, so
 * that a `KernelImpl<K, MyBackend>` (which receives a `MyBackend`) fits `Backend.kernels`, where
 * the engine always passes the backend the table belongs to, while an implementation for an
 * unrelated backend class still does not fit a `KernelTable<MyBackend>`.
 */
export type KernelImpl<K extends KernelName, B extends Backend = Backend> = {
  kernel(args: KernelArgs<K, B>): KernelOutputs<K>;
}['kernel'];

/**
 * The kernels a backend implements; absent ones fail with their name when used. A table typed for
 * one backend class (`KernelTable<MyBackend>`) receives that class as `backend` and is accepted
 * as `Backend.kernels` of that class. `buildKernelTable` makes one kernel by kernel.
 */
export type KernelTable<B extends Backend = Backend> = { [K in KernelName]?: KernelImpl<K, B> };

/** Limits a backend states so that callers can size work. */
export interface BackendLimits {
  /**
   * Largest single storage in bytes. The engine refuses a `write` above it with an error naming
   * the backend, before the backend allocates; callers that split work (a batch, a matmul) read
   * it from `getBackend().limits`.
   */
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
 * The backend contract: storage plus a set of kernels. `@igcnet/tensor` runs every op through
 * it; `BACKENDS.md` in this package walks through writing one.
 *
 * **Storage and ownership.** Storage is addressed by opaque `DataId`s (any object the backend
 * chooses). Each `DataId` the backend returns, from `write` or as a kernel output, is owned by
 * the engine from then on: it counts the tensors that refer to it (a reshape shares it) and calls
 * `disposeData` exactly once, when the last of them is disposed. The backend never frees a
 * `DataId` it handed out on its own; temporaries a kernel makes and does not return, it frees
 * before returning.
 *
 * **Kernel outputs** are fresh storage made by the kernel on its own backend, one `DataId` per
 * output, distinct from every input's and from each other's, with the output's shape and dtype
 * as the kernel's doc states. An output never aliases an input (not even Identity's or a Cast to
 * the same dtype): the engine checks this and fails naming the kernel, because tensors are
 * immutable and an in-place kernel (SGDUpdate) would otherwise change two tensors at once.
 * Inputs are read-only, except those `KERNEL_SPECS[name].mutates` lists, which the kernel writes
 * in place and does not return. Kernels never dispose inputs.
 *
 * **Foreign handles.** Every input a kernel receives holds a `DataId` of the same backend
 * instance (the engine refuses inputs that live on another backend), so a backend may assume its
 * own storage type; given a foreign `DataId` (called directly, outside the engine), it should
 * throw an error that says whose storage it expected.
 */
export interface Backend {
  /**
   * Shown in error messages and by `Tensor.toString`, e.g. `cpu` or `webgpu`; usually the name it
   * is registered under with `registerBackend` (the registry does not require them to match: the
   * conformance kit registers backends under names of its own).
   */
  readonly name: string;
  /**
   * Copies `values` into new storage holding a tensor of `shape` and `dtype` and returns its
   * handle. The engine guarantees that `values` is a `Float32Array` for float32 and an
   * `Int32Array` for int32, with exactly `sizeOf(shape)` elements (a mismatch is an error in the
   * engine, before `write`), and that it fits `limits.maxBufferBytes`. `values` may be a view into
   * a larger buffer; the caller may change or reuse it once `write` returns, so the backend
   * copies it (it never keeps a reference).
   */
  write(values: TypedArray, shape: Shape, dtype: DType): DataId;
  /**
   * Optional: new storage of `shape` and `dtype` with every element `value`, converted as the
   * dtype's typed array `fill` converts it (float32: rounded to float32, −0 and NaN kept; int32:
   * ToInt32, NaN → 0). The engine checks `limits.maxBufferBytes` first, as for `write`. Without
   * it the engine writes an array it filled: `fill` spares that host array, which for a large
   * constant (the gradient seed of a non-scalar output, `zeros` of an activation) costs more
   * than the fill itself.
   */
  fill?(shape: Shape, dtype: DType, value: number): DataId;
  /**
   * Reads storage back: a new array (`Float32Array` or `Int32Array`, per the dtype it was written
   * or computed with) of every element, row-major, that the caller owns: changing it changes no
   * tensor, and two reads return two arrays. On the GPU this waits for queued work.
   */
  read(dataId: DataId): Promise<TypedArray>;
  /** Synchronous `read`, with the same copy rule, where the backend can do one. */
  readSync?(dataId: DataId): TypedArray;
  /** Frees storage; the engine calls it once, when no tensor refers to the data any more. */
  disposeData(dataId: DataId): void;
  /** Memory held by the backend (see `BackendMemory`; `memory()` of the package adds the engine's counts). */
  memory(): BackendMemory;
  /**
   * Kernel implementations, looked up by name; the engine calls them with this backend as
   * `backend`. A class may declare it as `KernelTable<MyBackend>` (see `KernelImpl`).
   */
  readonly kernels: KernelTable;
  /**
   * Limits of the device, where it has any: the engine refuses larger writes before the backend
   * allocates, and callers may size work by them. Leave it out when storage is bounded by the
   * host alone.
   */
  readonly limits?: BackendLimits;
  /** Submits queued work, if the backend queues any (the trainer calls it once per step). */
  flush?(): void;
  /** Device-side kernel timing for `profile`, where the backend queues work and can time it. */
  readonly deviceTimer?: DeviceTimer;
  /** Releases every resource; the backend is unusable afterwards. `removeBackend` calls it. */
  dispose?(): void;
}
