/**
 * A backend written the way an outside author would: against the public entry points of
 * `@igcnet/tensor` (the contract and `@igcnet/tensor/backend`) and `@igcnet/cpu` only, which
 * package exports enforce (no path into either package's sources resolves). It keeps its own
 * storage and delegates every kernel to a CPU backend through that backend's public contract:
 * inputs are written into CPU storage, the CPU kernel runs, outputs are read back into this
 * backend's storage, and every CPU copy is freed before the kernel returns.
 */
import { createCpuBackend } from '@igcnet/cpu';
import {
  allocArray,
  type Backend,
  type BackendLimits,
  type BackendMemory,
  type DataId,
  type DType,
  KERNEL_NAMES,
  type KernelImpl,
  type KernelName,
  type KernelTable,
  type Shape,
  type TensorInfo,
  type TypedArray,
} from '@igcnet/tensor/backend';

/** This backend's storage: its own copy of the values. */
class Stored {
  freed = false;
  constructor(readonly values: TypedArray) {}
}

/**
 * Kernels that write into some inputs rather than returning new tensors, as their contract
 * documents (`SGDUpdate`: "In place … param −= lr·step", and its velocity); their CPU copies are
 * copied back after the kernel runs.
 */
const IN_PLACE: Partial<Record<KernelName, readonly string[]>> = {
  SGDUpdate: ['param', 'velocity'],
};

type Inputs = Record<string, TensorInfo | readonly TensorInfo[] | undefined>;
type AnyImpl = (args: { inputs: Inputs; attrs: unknown; backend: Backend }) => unknown;

export class OutsideBackend implements Backend {
  readonly name: string;
  readonly limits: BackendLimits = { maxBufferBytes: 2 ** 31 - 1 };
  readonly kernels: KernelTable;
  private readonly cpu = createCpuBackend();
  private bytes = 0;

  constructor(name = 'outside') {
    this.name = name;
    const table: Partial<Record<KernelName, unknown>> = {};
    for (const k of KERNEL_NAMES) {
      const impl = this.cpu.kernels[k];
      if (impl) table[k] = this.delegate(k, impl as unknown as AnyImpl);
    }
    this.kernels = table as KernelTable;
  }

  // ---- storage -------------------------------------------------------------------------------

  write(values: TypedArray, _shape: Shape, dtype: DType): DataId {
    const copy = allocArray(dtype, values.length);
    copy.set(values);
    return this.adopt(copy);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return this.stored(dataId).values.slice();
  }

  disposeData(dataId: DataId): void {
    const s = this.stored(dataId);
    s.freed = true;
    this.bytes -= s.values.byteLength;
  }

  memory(): BackendMemory {
    return { bytes: this.bytes };
  }

  private adopt(values: TypedArray): DataId {
    this.bytes += values.byteLength;
    return new Stored(values);
  }

  private stored(dataId: DataId): Stored {
    if (!(dataId instanceof Stored)) throw new Error(`${this.name}: not this backend's storage`);
    if (dataId.freed) throw new Error(`${this.name}: storage was already freed`);
    return dataId;
  }

  // ---- kernels -------------------------------------------------------------------------------

  /** Kernel `name` run by the CPU backend on copies of the inputs. */
  private delegate(name: KernelName, impl: AnyImpl): KernelImpl<KernelName> {
    const run = ({ inputs, attrs }: { inputs: Inputs; attrs: unknown }): unknown => {
      const made: TensorInfo[] = [];
      const toCpu = (t: TensorInfo): TensorInfo => {
        const info = {
          dataId: this.cpu.write(this.stored(t.dataId).values, t.shape, t.dtype),
          shape: t.shape,
          dtype: t.dtype,
        };
        made.push(info);
        return info;
      };
      const cpuInputs: Inputs = {};
      for (const [key, v] of Object.entries(inputs)) {
        if (v === undefined) continue;
        cpuInputs[key] = Array.isArray(v) ? v.map(toCpu) : toCpu(v as TensorInfo);
      }
      try {
        const out = impl({ inputs: cpuInputs, attrs, backend: this.cpu });
        for (const key of IN_PLACE[name] ?? []) {
          const mine = inputs[key] as TensorInfo;
          const theirs = cpuInputs[key] as TensorInfo;
          this.stored(mine.dataId).values.set(this.cpu.readSync!(theirs.dataId));
        }
        const back = (o: TensorInfo): TensorInfo => {
          const info = {
            dataId: this.adopt(this.cpu.readSync!(o.dataId)),
            shape: o.shape,
            dtype: o.dtype,
          };
          this.cpu.disposeData(o.dataId);
          return info;
        };
        return Array.isArray(out) ? out.map(back) : back(out as TensorInfo);
      } finally {
        for (const t of made) this.cpu.disposeData(t.dataId);
      }
    };
    return run as unknown as KernelImpl<KernelName>;
  }
}
