import type { Tensor, Variable } from '@igcnet/tensor';

/**
 * What the trainer needs of a model; `Module` of `@igcnet/layers` provides it. Parameters and
 * buffers are addressed by dotted names, which also name them in checkpoints.
 */
export interface TrainableModel {
  forward(x: Tensor): Tensor;
  /** Switches to training mode (batch statistics). */
  train(): unknown;
  /** Switches to inference mode (running statistics). */
  eval(): unknown;
  namedParameters(): Iterable<readonly [string, Variable]>;
  /** Non-trained state such as BN running statistics. */
  namedBuffers(): Iterable<readonly [string, Variable]>;
}

/** A source of NCHW float32 batches with int32 labels (a `DataLoader` of `@igcnet/datasets`). */
export interface BatchSource {
  epoch(epoch: number): AsyncIterable<{
    readonly images: Float32Array;
    readonly labels: Int32Array;
    readonly shape: readonly [number, number, number, number];
    /** Dataset index of each example, where the source knows it. */
    readonly indices?: Int32Array;
    /** From a sharded source: the size of the global batch this one is a slice of. */
    readonly globalSize?: number;
  }>;
  readonly batchesPerEpoch: number;
  /**
   * The same source yielding only rank `rank`'s slice of each batch, out of `size` ranks
   * (data-parallel training; every rank must get the same number of batches).
   */
  shard?(rank: number, size: number): BatchSource;
}
