import { Random } from '@igcnet/tensor';
import type { BatchSource } from '@igcnet/trainer';
import { MNIST_NORMALIZATION, type MnistSplit } from './mnist.js';

/** Options of {@link mnistBatches}. */
export interface BatchOptions {
  batchSize: number;
  /** Use the first `limit` images. */
  limit?: number;
  /** Shuffle each epoch (seeded by `seed` and the epoch). */
  shuffle?: boolean;
  seed?: number;
  /** Awaited before each batch: where the worker pauses, answers requests and yields. */
  gate?: () => Promise<void>;
}

/**
 * Normalised NCHW batches of a split for `fit` and `evaluate`, built as they are needed (a batch
 * of 64 is 200 KB; the whole split normalised would be 31 MB).
 */
export function mnistBatches(split: MnistSplit, o: BatchOptions): BatchSource {
  const n = Math.min(o.limit ?? split.count, split.count);
  const pixels = 28 * 28;
  const [mean] = MNIST_NORMALIZATION.mean;
  const scale = 1 / MNIST_NORMALIZATION.std[0];
  return {
    batchesPerEpoch: Math.ceil(n / o.batchSize),
    async *epoch(epoch: number) {
      const order = Int32Array.from({ length: n }, (_, i) => i);
      if (o.shuffle) {
        const rng = new Random(((o.seed ?? 0) * 1_000_003 + epoch) | 0);
        for (let i = n - 1; i > 0; i--) {
          const j = rng.nextU32() % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
      }
      for (let start = 0; start < n; start += o.batchSize) {
        await o.gate?.();
        const b = Math.min(o.batchSize, n - start);
        const images = new Float32Array(b * pixels);
        const labels = new Int32Array(b);
        const indices = order.slice(start, start + b);
        for (let k = 0; k < b; k++) {
          const idx = indices[k]!;
          labels[k] = split.labels[idx]!;
          const src = split.images.subarray(idx * pixels, (idx + 1) * pixels);
          for (let p = 0; p < pixels; p++) images[k * pixels + p] = (src[p]! - mean) * scale;
        }
        yield { images, labels, indices, shape: [b, 1, 28, 28] as const };
      }
    },
  };
}

/** Normalises one 28×28 image of bytes (0 black … 255 white) as the training data is. */
export function normalizePixels(bytes: Float32Array, mean: number, std: number): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i]! - mean) / std;
  return out;
}
