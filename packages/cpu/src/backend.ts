import {
  type Backend,
  type BackendLimits,
  type BackendMemory,
  type DataId,
  type DType,
  type KernelTable,
  type Shape,
  sizeOf,
  type TypedArray,
} from '@igcnet/tensor/backend';
import { CpuData, CpuStore } from './storage.js';

/**
 * The reference backend: reads are synchronous, and tensors live in the kernels' WebAssembly
 * memory (plain typed arrays where it is unavailable), so kernels read and write them in place.
 * Each instance keeps its own accounting (`memory()`) and its own pool of freed storage; the
 * memory itself, the kernels and their threads are shared by the process. The class holds
 * storage only; its kernels are wired in by `register.ts`, so that nothing here depends on them.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly limits: BackendLimits = { maxBufferBytes: 2 ** 31 - 1 };
  /** This instance's storage: its live bytes and its pool of freed blocks. */
  readonly store = new CpuStore();

  /** @param kernels the kernel table (see `createCpuBackend`, which passes the CPU's own). */
  constructor(readonly kernels: KernelTable) {}

  write(values: TypedArray, _shape: Shape, dtype: DType): DataId {
    const d = this.store.allocate(values.length, dtype, false);
    d.values.set(values);
    return d;
  }

  /** Fills new storage in place: no host array of the tensor's size is made. */
  fill(shape: Shape, dtype: DType, value: number): DataId {
    const d = this.store.allocate(sizeOf(shape), dtype, false);
    d.values.fill(value);
    return d;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  /** A copy of the values, in a plain (unshared) array the caller may keep and change. */
  readSync(dataId: DataId): TypedArray {
    return this.data(dataId).values.slice();
  }

  disposeData(dataId: DataId): void {
    this.data(dataId).free();
  }

  /**
   * This instance's live bytes and the bytes of its freed storage kept for reuse (other
   * instances' do not show here).
   */
  memory(): BackendMemory {
    return { bytes: this.store.bytes, pooledBytes: this.store.pooledBytes };
  }

  /** Hands this instance's pooled storage back to the process; live tensors stay readable. */
  dispose(): void {
    this.store.dispose();
  }

  private data(dataId: DataId): CpuData {
    if (!(dataId instanceof CpuData))
      throw new Error('cpu: storage handle does not belong to the CPU backend');
    if (dataId.freed) throw new Error('cpu: storage was already freed');
    return dataId;
  }
}
