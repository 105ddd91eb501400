/**
 * `MyBackend`, the backend of the READMEs' "writing a backend" examples, written the way an outside
 * author would: against the public entry points of `@igcnet/tensor` (the contract and
 * `@igcnet/tensor/backend`) and `@igcnet/cpu` only, with no type assertion anywhere (the
 * repository's test of this folder checks that). It keeps its own storage and delegates every
 * kernel to a private `CpuBackend` through that backend's public contract: inputs are written
 * into CPU storage, the CPU kernel runs, outputs (and the inputs the kernel writes in place, per
 * `KERNEL_SPECS`) are read back into this backend's storage, and every CPU copy is freed before
 * the kernel returns.
 *
 * `scripts/pack-smoke.mjs` copies this folder into a project that installs the packed tarballs
 * with npm, type-checks it there with its own tsconfig.json and runs the whole conformance kit.
 */
import { type CpuBackend, createCpuBackend } from '@igcnet/cpu';
import {
  allocArray,
  type Backend,
  type BackendMemory,
  buildKernelTable,
  type DataId,
  type DType,
  KERNEL_SPECS,
  type KernelImpl,
  type KernelName,
  type KernelTable,
  mapKernelInputs,
  mapKernelOutputs,
  type Shape,
  type TensorInfo,
  type TypedArray,
} from '@igcnet/tensor/backend';

/** This backend's storage: its own copy of the values. */
class Stored {
  freed = false;
  constructor(readonly values: TypedArray) {}
}

/** An input handed to the CPU: which of ours it copies, and under which input name. */
interface CpuCopy {
  input: string;
  mine: TensorInfo;
  theirs: TensorInfo;
}

export class MyBackend implements Backend {
  readonly name: string;
  // No `limits`: storage is host memory, bounded by the host alone.
  readonly kernels: KernelTable<MyBackend>;
  private readonly cpu: CpuBackend = createCpuBackend();
  private bytes = 0;

  constructor(name = 'mine') {
    this.name = name;
    this.kernels = buildKernelTable(
      <K extends KernelName>(kernel: K): KernelImpl<K, MyBackend> | undefined => {
        const impl = this.cpu.kernels[kernel];
        return impl && this.delegate(kernel, impl);
      },
    );
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

  /** A CPU copy of one of our tensors. */
  private toCpu(t: TensorInfo): TensorInfo {
    const values = this.stored(t.dataId).values;
    return { dataId: this.cpu.write(values, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
  }

  /** One of our tensors holding a CPU tensor's values; the CPU tensor is freed. */
  private fromCpu(t: TensorInfo): TensorInfo {
    const dataId = this.adopt(this.cpu.readSync(t.dataId));
    this.cpu.disposeData(t.dataId);
    return { dataId, shape: t.shape, dtype: t.dtype };
  }

  // ---- kernels -------------------------------------------------------------------------------

  /** Kernel `kernel` run by the CPU backend on copies of the inputs. */
  private delegate<K extends KernelName>(
    kernel: K,
    impl: KernelImpl<K, CpuBackend>,
  ): KernelImpl<K, MyBackend> {
    const mutates = KERNEL_SPECS[kernel].mutates;
    return ({ inputs, attrs }) => {
      const copies: CpuCopy[] = [];
      const cpuInputs = mapKernelInputs(kernel, inputs, (mine, input) => {
        const theirs = this.toCpu(mine);
        copies.push({ input, mine, theirs });
        return theirs;
      });
      try {
        const outputs = impl({ inputs: cpuInputs, attrs, backend: this.cpu });
        for (const c of copies) {
          if (mutates.includes(c.input)) {
            this.stored(c.mine.dataId).values.set(this.cpu.readSync(c.theirs.dataId));
          }
        }
        return mapKernelOutputs(kernel, outputs, (o) => this.fromCpu(o));
      } finally {
        for (const c of copies) this.cpu.disposeData(c.theirs.dataId);
      }
    };
  }
}
