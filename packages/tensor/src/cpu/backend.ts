import type { Backend, BackendLimits, BackendMemory, KernelTable } from '../core/backend.js';
import type { DType, TypedArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import type { DataId } from '../core/tensor_info.js';
import { cpuKernels } from './kernels/index.js';
import { alloc, CpuData, cpuStats } from './storage.js';

/**
 * The reference backend: storage is plain typed arrays, reads are synchronous, and convolutions
 * and matmuls run on the fast paths of `cpu/conv`.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly kernels: KernelTable = cpuKernels;
  readonly limits: BackendLimits = { maxBufferBytes: 2 ** 31 - 1 };

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
