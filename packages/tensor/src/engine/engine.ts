/**
 * The engine runs kernels on the active backend, counts references to storage, keeps `tidy`
 * scopes and records the gradient tape. It is one module-level instance: tensors from any number
 * of backends share it.
 */
import { kernelInputList, kernelOutputList } from '../backend/kernels.js';
import type { Backend } from '../core/backend.js';
import { BYTES_PER_ELEMENT, type DType, type TypedArray } from '../core/dtype.js';
import type { KernelAttrs, KernelInputs, KernelName, KernelOutputs } from '../core/kernel_names.js';
import { fmtShape, type Shape, sizeOf } from '../core/shape.js';
import { installTensorHooks, Tensor } from '../core/tensor.js';
import type { DataId, TensorInfo } from '../core/tensor_info.js';
import { getBackend } from './registry.js';

/** Tensors of a kernel's inputs, named as the contract names them. */
export type TensorInputs<K extends KernelName> = {
  [P in keyof KernelInputs<K>]: KernelInputs<K>[P] extends readonly TensorInfo[]
    ? readonly Tensor[]
    : KernelInputs<K>[P] extends TensorInfo
      ? Tensor
      : Tensor | undefined;
};

/** A recorded kernel call: what backprop needs to run its gradient. */
export interface TapeNode {
  /** Kernel name, or `Reshape` for the engine's views. */
  name: string;
  /** Flattened inputs, in the order the gradient function returns their gradients. */
  inputs: Tensor[];
  outputs: Tensor[];
  /** Other tensors the gradient reads (kept alive until the recording ends). */
  saved?: Tensor[];
  /**
   * Returns one gradient (or null when not differentiable or not needed) per flattened input;
   * `need[i]` says whether input i needs one.
   */
  grad: (dys: Tensor[], need: boolean[]) => (Tensor | null)[];
}

/**
 * Gradient of kernel K: given the output gradients, returns for each input a thunk computing
 * its gradient (only the thunks of inputs that need a gradient run).
 */
export type GradFn<K extends KernelName> = (
  dys: Tensor[],
  inputs: TensorInputs<K>,
  outputs: Tensor[],
  attrs: KernelAttrs<K>,
) => {
  [P in keyof KernelInputs<K>]?: KernelInputs<K>[P] extends readonly TensorInfo[]
    ? () => Tensor[]
    : () => Tensor;
};

interface StoredGrad {
  fn: (
    dys: Tensor[],
    inputs: Record<string, Tensor | readonly Tensor[] | undefined>,
    outputs: Tensor[],
    attrs: unknown,
  ) => Record<string, (() => Tensor | Tensor[]) | undefined>;
}
const gradients = new Map<string, StoredGrad>();

/** Defines the gradient of a kernel, once, for every backend. */
export function registerGradient<K extends KernelName>(name: K, fn: GradFn<K>): void {
  gradients.set(name, { fn: fn as unknown as StoredGrad['fn'] });
}

/** Whether a kernel has a gradient. */
export function hasGradient(name: KernelName): boolean {
  return gradients.has(name);
}

interface DataEntry {
  refs: number;
  bytes: number;
  backend: Backend;
}

interface Scope {
  tensors: Set<Tensor>;
}

/** What the engine counts for one backend. */
export interface MemoryInfo {
  /** Live tensors (views count once each). */
  numTensors: number;
  /** Distinct live storages. */
  numDataBuffers: number;
  /** Bytes of live storage, counted by the engine. */
  numBytes: number;
  /** Bytes the backend keeps in reuse pools, where it has any. */
  pooledBytes: number;
  /** The backend's own report. */
  backendBytes: number;
}

/**
 * @internal What the profiler hears from the engine: every kernel call with its host time and
 * the bytes of its inputs and outputs, and every new storage (for the peak).
 */
export interface KernelObserver {
  kernel(name: string, ms: number, bytesIn: number, bytesOut: number, backend: Backend): void;
  /** Bytes of live storage (every backend) after a new storage was counted. */
  allocated(liveBytes: number): void;
}

class Engine {
  private data = new Map<DataId, DataEntry>();
  /** Bytes of live storage on every backend. */
  private liveBytes = 0;
  private observers: KernelObserver[] = [];
  private liveTensors = new Map<Backend, number>();
  private scopes: Scope[] = [];
  /** The tape being recorded, or null. Nested recordings share one tape. */
  tape: TapeNode[] | null = null;
  private pauseDepth = 0;
  /** Tensors disposed by the user while the tape still needed them. */
  private deferred = new Set<Tensor>();

  constructor() {
    installTensorHooks({ dispose: (t) => this.disposeTensor(t) });
  }

  backend(): Backend {
    return getBackend();
  }

  // ---- storage -------------------------------------------------------------------------------

  /** Wraps backend storage in a tensor, counting a reference to it. */
  makeTensor(info: TensorInfo, backend: Backend, TensorClass: typeof Tensor = Tensor): Tensor {
    const t = new TensorClass(info.dataId, info.shape, info.dtype, backend);
    this.incRef(info.dataId, sizeOf(info.shape) * BYTES_PER_ELEMENT, backend);
    this.liveTensors.set(backend, (this.liveTensors.get(backend) ?? 0) + 1);
    this.track(t);
    return t;
  }

  /**
   * Copies host values into a new tensor on the active backend. `values` is the dtype's array
   * (`Float32Array` or `Int32Array`) with one element per element of `shape`, within the
   * backend's `limits`: `Backend.write` relies on all three.
   */
  fromValues(values: TypedArray, shape: Shape, dtype: DType): Tensor {
    const backend = this.backend();
    checkWrite(values, shape, dtype, backend);
    const dataId = backend.write(values, shape, dtype);
    return this.makeTensor({ dataId, shape, dtype }, backend);
  }

  /**
   * A tensor of `shape` with every element `value`: the backend's `fill` where it has one, else
   * a write of a filled array.
   */
  filled(shape: Shape, value: number, dtype: DType): Tensor {
    const backend = this.backend();
    if (!backend.fill) {
      const size = sizeOf(shape);
      const v = dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
      return this.fromValues(Object.is(value, 0) ? v : v.fill(value), shape, dtype);
    }
    checkLimit(sizeOf(shape), shape, dtype, backend, 'fill');
    return this.makeTensor({ dataId: backend.fill(shape, dtype, value), shape, dtype }, backend);
  }

  /** @internal Points a tensor (a Variable) at other storage. */
  swapData(t: Tensor, dataId: DataId): void {
    if (t.dataId === dataId) return;
    this.incRef(dataId, t.size * BYTES_PER_ELEMENT, t.backend);
    this.decRef(t.dataId);
    t.dataId = dataId;
  }

  private incRef(dataId: DataId, bytes: number, backend: Backend): void {
    const e = this.data.get(dataId);
    if (e) e.refs++;
    else {
      this.data.set(dataId, { refs: 1, bytes, backend });
      this.liveBytes += bytes;
      for (const o of this.observers) o.allocated(this.liveBytes);
    }
  }

  private decRef(dataId: DataId): void {
    const e = this.data.get(dataId);
    if (!e) return;
    if (--e.refs === 0) {
      this.data.delete(dataId);
      this.liveBytes -= e.bytes;
      e.backend.disposeData(dataId);
    }
  }

  /** Bytes of live storage on every backend. */
  totalBytes(): number {
    return this.liveBytes;
  }

  /** @internal Starts telling `o` about kernel calls and allocations (the profiler). */
  addObserver(o: KernelObserver): void {
    this.observers.push(o);
  }

  /** @internal Stops telling `o`; returns whether it was listening. */
  removeObserver(o: KernelObserver): boolean {
    const i = this.observers.indexOf(o);
    if (i >= 0) this.observers.splice(i, 1);
    return i >= 0;
  }

  /** @internal How many observers listen (tests check that profiling leaves none behind). */
  observerCount(): number {
    return this.observers.length;
  }

  /** Number of tensors sharing a storage. */
  refCount(dataId: DataId): number {
    return this.data.get(dataId)?.refs ?? 0;
  }

  disposeTensor(t: Tensor): void {
    if (t.disposed) return;
    if (t.onTape && this.tape) {
      // The tape may still need it for backprop: free it when the recording ends.
      this.deferred.add(t);
      return;
    }
    t.disposed = true;
    this.liveTensors.set(t.backend, (this.liveTensors.get(t.backend) ?? 1) - 1);
    this.decRef(t.dataId);
    for (const s of this.scopes) s.tensors.delete(t);
  }

  memory(backend: Backend = this.backend()): MemoryInfo {
    let numBytes = 0;
    let numDataBuffers = 0;
    for (const e of this.data.values()) {
      if (e.backend !== backend) continue;
      numBytes += e.bytes;
      numDataBuffers++;
    }
    const m = backend.memory();
    return {
      numTensors: this.liveTensors.get(backend) ?? 0,
      numDataBuffers,
      numBytes,
      pooledBytes: m.pooledBytes ?? 0,
      backendBytes: m.bytes,
    };
  }

  // ---- scopes --------------------------------------------------------------------------------

  private track(t: Tensor): void {
    const s = this.scopes[this.scopes.length - 1];
    if (s) s.tensors.add(t);
  }

  startScope(): void {
    this.scopes.push({ tensors: new Set() });
  }

  /** Ends a scope: frees its tensors except `result`'s and the kept ones, which move outward. */
  endScope(result: readonly Tensor[]): void {
    const scope = this.scopes.pop();
    if (!scope) throw new Error('endScope: no scope is open');
    const keep = new Set(result);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope.tensors) {
      if (t.kept || t.isVariable) continue;
      if (keep.has(t) || (t.onTape && this.tape)) {
        parent?.tensors.add(t);
      } else {
        this.disposeTensor(t);
      }
    }
  }

  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    for (const s of this.scopes) s.tensors.delete(t);
    return t;
  }

  // ---- kernels -------------------------------------------------------------------------------

  /** Runs a kernel on the active backend, records it on the tape and tracks its outputs. */
  runKernel<K extends KernelName>(
    name: K,
    inputs: TensorInputs<K>,
    attrs: KernelAttrs<K>,
  ): Tensor[] {
    const backend = this.backend();
    // The inputs are these Tensors: TensorInputs<K> mirrors KernelInputs<K> with Tensor leaves.
    const flat = kernelInputList(inputs as unknown as KernelInputs<K>) as Tensor[];
    for (const t of flat) {
      t.assertAlive(name);
      if (t.backend !== backend) {
        throw new Error(
          `${name}: an input of shape ${fmtShape(t.shape)} lives on backend '${t.backend.name}' but the active backend is '${backend.name}'`,
        );
      }
    }
    const impl = backend.kernels[name];
    if (!impl) {
      throw new Error(`Kernel '${name}' is not implemented by backend '${backend.name}'`);
    }
    const args = { inputs: inputs as unknown as KernelInputs<K>, attrs, backend };
    const observed = this.observers.length > 0;
    let out: KernelOutputs<K>;
    let ms = 0;
    if (!observed) out = impl(args);
    else {
      backend.deviceTimer?.label(name);
      const t0 = performance.now();
      try {
        out = impl(args);
      } finally {
        backend.deviceTimer?.label(null);
      }
      ms = performance.now() - t0;
    }
    const infos = kernelOutputList(out);
    if (observed) this.observeKernel(name, ms, flat, infos, backend);
    this.checkFresh(name, backend, infos);
    const outputs = infos.map((info) => this.makeTensor(info, backend));
    if (this.recording()) this.record(name, inputs, flat, outputs, attrs);
    return outputs;
  }

  /**
   * Kernel outputs are fresh storage (see `Backend`): an output whose `DataId` a live tensor (an
   * input among them) already holds, or that another output of the same call repeats, would make
   * two tensors share storage behind the engine's back, and the engine would free it twice.
   */
  private checkFresh(name: KernelName, backend: Backend, infos: readonly TensorInfo[]): void {
    infos.forEach((info, i) => {
      if (this.data.has(info.dataId) || infos.findIndex((o) => o.dataId === info.dataId) !== i) {
        throw new Error(
          `${name}: backend '${backend.name}' returned output ${i} in storage that another tensor already holds; a kernel returns fresh storage for each output (an input's data id, even unchanged, is not one)`,
        );
      }
    });
  }

  private observeKernel(
    name: string,
    ms: number,
    inputs: readonly Tensor[],
    outputs: readonly TensorInfo[],
    backend: Backend,
  ): void {
    let bytesIn = 0;
    for (const t of inputs) bytesIn += t.size * BYTES_PER_ELEMENT;
    let bytesOut = 0;
    for (const o of outputs) bytesOut += sizeOf(o.shape) * BYTES_PER_ELEMENT;
    for (const o of this.observers) o.kernel(name, ms, bytesIn, bytesOut, backend);
  }

  /** A tensor sharing `x`'s storage with another shape (reshape moves no data). */
  view(x: Tensor, shape: Shape): Tensor {
    x.assertAlive('reshape');
    const out = this.makeTensor({ dataId: x.dataId, shape, dtype: x.dtype }, x.backend);
    if (this.recording()) {
      const inShape = x.shape;
      this.pushNode({
        name: 'Reshape',
        inputs: [x],
        outputs: [out],
        grad: ([dy]) => [this.view(dy!, inShape)],
      });
    }
    return out;
  }

  // ---- autograd ------------------------------------------------------------------------------

  recording(): boolean {
    return this.tape !== null && this.pauseDepth === 0;
  }

  /** Runs `fn` without recording it on the tape (running statistics, optimizer updates). */
  noGrad<T>(fn: () => T): T {
    this.pauseDepth++;
    try {
      return fn();
    } finally {
      this.pauseDepth--;
    }
  }

  /**
   * @internal Records a node whose gradient the caller defines (see `customGrad`); does nothing
   * when no gradient is being recorded.
   */
  recordNode(node: TapeNode): void {
    if (this.recording()) this.pushNode(node);
  }

  private pushNode(node: TapeNode): void {
    for (const t of node.inputs) t.onTape = true;
    for (const t of node.outputs) t.onTape = true;
    for (const t of node.saved ?? []) t.onTape = true;
    this.tape!.push(node);
  }

  private record<K extends KernelName>(
    name: K,
    inputs: TensorInputs<K>,
    flat: Tensor[],
    outputs: Tensor[],
    attrs: KernelAttrs<K>,
  ): void {
    const g = gradients.get(name);
    const named = inputs as Record<string, Tensor | readonly Tensor[] | undefined>;
    this.pushNode({
      name,
      inputs: flat,
      outputs,
      grad: (dys, need) => {
        if (!g) throw new Error(`grad: kernel '${name}' has no gradient`);
        const byName = g.fn(dys, named, outputs, attrs);
        const res: (Tensor | null)[] = [];
        for (const [key, v] of Object.entries(named)) {
          if (v === undefined) continue;
          const count = Array.isArray(v) ? v.length : 1;
          const start = res.length;
          const wanted = need.slice(start, start + count).some(Boolean);
          const thunk = byName[key];
          const gv = wanted && thunk ? thunk() : undefined;
          if (Array.isArray(v)) {
            const list = (gv as Tensor[] | undefined) ?? [];
            for (let i = 0; i < count; i++) res.push(list[i] ?? null);
          } else {
            res.push((gv as Tensor | undefined) ?? null);
          }
        }
        return res;
      },
    });
  }

  /**
   * Records `f`, then back-propagates from its (any-shaped) result to `xs`. The gradient seed is
   * ones, so a non-scalar result is differentiated as the sum of its elements.
   */
  valueAndGrads(f: () => Tensor, xs: readonly Tensor[]): { value: Tensor; grads: Tensor[] } {
    const outerTape = this.tape;
    if (outerTape) throw new Error('grad: nested gradient recording is not supported');
    this.startScope();
    this.tape = [];
    let value: Tensor;
    let grads: Tensor[];
    try {
      value = f();
      if (!(value instanceof Tensor)) throw new Error('grad: the function must return a Tensor');
      grads = this.noGrad(() => this.backprop(this.tape!, value, xs));
    } catch (e) {
      this.endTape();
      this.endScope([]);
      throw e;
    }
    this.endTape();
    this.endScope([value, ...grads]);
    return { value, grads };
  }

  private endTape(): void {
    const tape = this.tape ?? [];
    this.tape = null;
    for (const node of tape) {
      for (const t of node.inputs) t.onTape = false;
      for (const t of node.outputs) t.onTape = false;
      for (const t of node.saved ?? []) t.onTape = false;
    }
    const deferred = [...this.deferred];
    this.deferred.clear();
    for (const t of deferred) this.disposeTensor(t);
  }

  private backprop(tape: TapeNode[], y: Tensor, xs: readonly Tensor[]): Tensor[] {
    // Forward reachability from xs, backward from y: only nodes on both paths run.
    const fromX = new Set<Tensor>(xs);
    const forward: boolean[] = tape.map((node) => {
      const hit = node.inputs.some((t) => fromX.has(t));
      if (hit) for (const t of node.outputs) fromX.add(t);
      return hit;
    });
    const acc = new Map<Tensor, Tensor>();
    acc.set(y, this.onesLike(y));
    for (let i = tape.length - 1; i >= 0; i--) {
      const node = tape[i]!;
      if (!forward[i]) continue;
      if (!node.outputs.some((t) => acc.has(t))) continue;
      const dys = node.outputs.map((t) => acc.get(t) ?? this.zerosLike(t));
      const gs = node.grad(
        dys,
        node.inputs.map((t) => fromX.has(t)),
      );
      node.inputs.forEach((inp, j) => {
        const g = gs[j];
        if (!g || !fromX.has(inp)) return;
        if (!shapeMatches(g.shape, inp.shape)) {
          throw new Error(
            `grad: gradient of '${node.name}' for an input of shape ${fmtShape(inp.shape)} has shape ${fmtShape(g.shape)}`,
          );
        }
        const prev = acc.get(inp);
        acc.set(inp, prev ? this.runKernel('Add', { a: prev, b: g }, {})[0]! : g);
      });
    }
    return xs.map((x) => acc.get(x) ?? this.zerosLike(x));
  }

  private onesLike(t: Tensor): Tensor {
    return this.filled(t.shape, 1, t.dtype);
  }

  private zerosLike(t: Tensor): Tensor {
    return this.filled(t.shape, 0, t.dtype);
  }
}

function shapeMatches(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** What `Backend.write` may rely on: the dtype's array, one value per element, within limits. */
function checkWrite(values: TypedArray, shape: Shape, dtype: DType, backend: Backend): void {
  const want = dtype === 'int32' ? 'Int32Array' : 'Float32Array';
  // The typed arrays' own tag, which arrays from another realm (a vm context) carry too.
  const got = ArrayBuffer.isView(values) ? values[Symbol.toStringTag] : typeof values;
  if (got !== want) {
    throw new Error(
      `write: a ${dtype} tensor takes a ${want}, got ${got === undefined ? 'a DataView' : `a ${got}`} (convert it first: ${want}.from(values))`,
    );
  }
  const size = sizeOf(shape);
  if (values.length !== size) {
    throw new Error(
      `write: shape ${fmtShape(shape)} has ${size} elements, the values ${values.length}`,
    );
  }
  checkLimit(size, shape, dtype, backend, 'write');
}

/** The engine refuses storage larger than the backend's `limits.maxBufferBytes` before asking. */
function checkLimit(
  size: number,
  shape: Shape,
  dtype: DType,
  backend: Backend,
  what: 'write' | 'fill',
): void {
  const max = backend.limits?.maxBufferBytes;
  if (max !== undefined && size * BYTES_PER_ELEMENT > max) {
    throw new Error(
      `${what}: a ${dtype} tensor of shape ${fmtShape(shape)} needs ${size * BYTES_PER_ELEMENT} bytes, more than backend '${backend.name}' allows in one buffer (limits.maxBufferBytes = ${max})`,
    );
  }
}

/** The engine shared by every backend. */
export const ENGINE = new Engine();
