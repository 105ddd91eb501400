import { ENGINE, type Tensor, type Variable } from '@igcnet/tensor';
import type { BatchSource } from '../loop/model.js';
import { DEFAULT_BUCKET_BYTES, GradientBuckets } from './buckets.js';
import type { Communicator } from './communicator.js';

/**
 * The data-parallel side of the training loop, for a world of more than one process: rank 0's
 * state broadcast, sharded data, gradient sums in buckets and summed step statistics. Every
 * method is a collective: all ranks call them in the same order.
 *
 * Gradients are averaged over the global batch exactly: each rank weights its mean loss by its
 * share of the global batch (n_r / n), so the plain sum of the ranks' gradients is the gradient
 * of the global mean loss, also when the slices differ in size.
 */
export class DataParallel {
  readonly buckets: GradientBuckets;
  /** Seconds spent summing gradients (read back, allreduce, write back), over all steps. */
  reduceSeconds = 0;
  /** Gradient sums done. */
  reduceSteps = 0;

  constructor(
    readonly comm: Communicator,
    params: readonly Tensor[],
    bucketBytes = DEFAULT_BUCKET_BYTES,
  ) {
    this.buckets = new GradientBuckets(
      params.map((p) => p.shape),
      bucketBytes,
    );
  }

  /** Overwrites `vars` on every rank with rank 0's values (float32 in one flat broadcast). */
  async broadcastVariables(vars: readonly Variable[]): Promise<void> {
    const floats = vars.filter((v) => v.dtype === 'float32');
    const ints = vars.filter((v) => v.dtype === 'int32');
    const root = this.comm.rank === 0;
    const pack = async <A extends Float32Array | Int32Array>(
      list: Variable[],
      make: (n: number) => A,
    ): Promise<A> => {
      const buf = make(list.reduce((s, v) => s + v.size, 0));
      if (root) {
        let o = 0;
        for (const v of list) {
          buf.set((await v.data()) as A, o);
          o += v.size;
        }
      }
      this.comm.broadcast(buf, 0);
      if (!root) {
        let o = 0;
        for (const v of list) {
          const t = ENGINE.fromValues(buf.subarray(o, o + v.size), v.shape, v.dtype);
          v.assign(t);
          t.dispose();
          o += v.size;
        }
      }
      return buf;
    };
    await pack(floats, (n) => new Float32Array(n));
    if (ints.length > 0) await pack(ints, (n) => new Int32Array(n));
  }

  /** This rank's shard of `source` (its slice of each global batch). */
  shard(source: BatchSource, what: string): BatchSource {
    if (!source.shard) {
      throw new Error(
        `data-parallel training: the ${what} data cannot be sharded across ${this.comm.size} processes (its source has no shard(rank, size); a DataLoader of @igcnet/datasets has one)`,
      );
    }
    return source.shard(this.comm.rank, this.comm.size);
  }

  /** The size of the global batch `n` images of this rank belong to. */
  globalSize(n: number, declared: number | undefined): number {
    if (declared !== undefined) return declared;
    const buf = Float64Array.of(n);
    this.comm.allreduce(buf, 'sum');
    return buf[0]!;
  }

  /** Sums `grads` over all ranks (see {@link GradientBuckets.allreduce}). */
  async reduceGradients(grads: readonly Tensor[]): Promise<Tensor[]> {
    const t0 = performance.now();
    const out = await this.buckets.allreduce(grads, this.comm);
    this.reduceSeconds += (performance.now() - t0) / 1000;
    this.reduceSteps++;
    return out;
  }

  /** Sums a few numbers over all ranks (float64). */
  sum(values: readonly number[]): number[] {
    const buf = Float64Array.from(values);
    this.comm.allreduce(buf, 'sum');
    return Array.from(buf);
  }
}
