import type { DType } from '@igcnet/tensor/backend';

/** The storage behind a tensor on the WebGPU backend: one pooled storage buffer. */
export class GpuData {
  freed = false;
  constructor(
    readonly buffer: GPUBuffer,
    /** Elements. */
    readonly size: number,
    readonly dtype: DType,
  ) {}

  /** Bytes the tensor's values occupy (the buffer itself may be larger: its size class). */
  get bytes(): number {
    return this.size * 4;
  }
}
