import { ENGINE, type Shape, sizeOf, type Tensor } from '@igcnet/tensor';
import type { Communicator } from './communicator.js';

/** Default size of one gradient bucket: a few MB, as PyTorch DDP's 25 MB is for larger nets. */
export const DEFAULT_BUCKET_BYTES = 4 << 20;

/** Where one gradient lives inside a bucket. */
interface Slot {
  index: number;
  offset: number;
  size: number;
}

/** A flat float32 buffer holding several gradients, summed over ranks in one allreduce. */
interface Bucket {
  buffer: Float32Array;
  slots: Slot[];
}

/**
 * Gradients of a fixed list of parameters, packed into flat buckets of about `bucketBytes`
 * (one larger parameter gets a bucket of its own) and summed over ranks with one allreduce per
 * bucket, not one per tensor. Buckets fill in reverse parameter order, the order backward
 * produces gradients in, so a bucket could be sent while backward still runs. The buffers are
 * allocated once and reused every step.
 */
export class GradientBuckets {
  readonly buckets: readonly Bucket[];
  readonly shapes: readonly Shape[];

  constructor(shapes: readonly Shape[], bucketBytes = DEFAULT_BUCKET_BYTES) {
    if (!(bucketBytes >= 4)) throw new Error(`bucketBytes must be at least 4, got ${bucketBytes}`);
    this.shapes = shapes;
    const perBucket = Math.floor(bucketBytes / 4);
    const plans: Slot[][] = [];
    let current: Slot[] = [];
    let used = 0;
    for (let index = shapes.length - 1; index >= 0; index--) {
      const size = sizeOf(shapes[index]!);
      if (used > 0 && used + size > perBucket) {
        plans.push(current);
        current = [];
        used = 0;
      }
      current.push({ index, offset: used, size });
      used += size;
    }
    if (current.length > 0) plans.push(current);
    this.buckets = plans.map((slots) => {
      const last = slots[slots.length - 1]!;
      return { buffer: new Float32Array(last.offset + last.size), slots };
    });
  }

  /** Elements summed per step, over all buckets. */
  get elements(): number {
    return this.buckets.reduce((s, b) => s + b.buffer.length, 0);
  }

  /**
   * Reads `grads` (one per parameter, any backend: a GPU's are read back), sums them over all
   * ranks bucket by bucket, and returns the sums as new tensors on the active backend. The
   * caller owns both lists.
   */
  async allreduce(grads: readonly Tensor[], comm: Communicator): Promise<Tensor[]> {
    if (grads.length !== this.shapes.length)
      throw new Error(
        `allreduce: got ${grads.length} gradients for ${this.shapes.length} parameters`,
      );
    const host = await Promise.all(grads.map((g) => g.data()));
    const out: Tensor[] = new Array(grads.length);
    for (const b of this.buckets) {
      for (const s of b.slots) b.buffer.set(host[s.index]!, s.offset);
      comm.allreduce(b.buffer, 'sum');
      // The backend copies on write (the contract), so the buffer is free again for the next step.
      for (const s of b.slots) {
        const values = b.buffer.subarray(s.offset, s.offset + s.size);
        out[s.index] = ENGINE.fromValues(values, this.shapes[s.index]!, 'float32');
      }
    }
    return out;
  }
}
