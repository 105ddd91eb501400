import type {
  Backend,
  BackendLimits,
  BackendMemory,
  DataId,
  DType,
  KernelTable,
  Shape,
  TypedArray,
} from '@igcnet/tensor/backend';
import { alloc, CpuData, cpuStats } from './storage.js';

/**
 * The reference backend: storage is plain typed arrays and reads are synchronous. The class holds
 * storage only; its kernels (convolutions and matmuls on the fast paths of `conv/` and `wasm/`)
 * are wired in by `register.ts`, so that nothing here depends on them.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly limits: BackendLimits = { maxBufferBytes: 2 ** 31 - 1 };

  /** @param kernels the kernel table (see `createCpuBackend`, which passes the CPU's own). */
  constructor(readonly kernels: KernelTable) {}

  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    const { values: copy, info } = alloc(shape, dtype);
    copy.set(values);
    return info.dataId;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return this.data(dataId).values.slice();
  }

  disposeData(dataId: DataId): void {
    this.data(dataId).free();
  }

  memory(): BackendMemory {
    return { bytes: cpuStats.bytes, pooledBytes: cpuStats.pooledBytes };
  }

  private data(dataId: DataId): CpuData {
    if (!(dataId instanceof CpuData))
      throw new Error('cpu: storage handle does not belong to the CPU backend');
    if (dataId.freed) throw new Error('cpu: storage was already freed');
    return dataId;
  }
}
