import { setImmediate as nextTurn } from 'node:timers/promises';
import { createRng, deriveSeed, permutation } from '../random/prng.js';
import type { FloatImage, Transform } from '../transforms/transform.js';
import type { Batch, Dataset, Sample } from '../types.js';

/** Options for {@link DataLoader}. */
export interface DataLoaderOptions {
  batchSize: number;
  /** Reorder samples every epoch with a permutation seeded by (seed, epoch). Default false. */
  shuffle?: boolean;
  /** Seeds shuffling, decode-time crops and transforms. Default 0. */
  seed?: number;
  /** Leave out the last batch when it would be smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Batches prepared ahead of the one being consumed. Default 2. */
  prefetch?: number;
  /** Per-sample transform, e.g. `trainTransforms('cifar10')`. Default: none (values 0–255). */
  transform?: Transform;
  /**
   * Data-parallel training: yield only rank `rank`'s slice of each batch of `batchSize` (the
   * global batch), out of `size` ranks. Slices are contiguous and differ in size by at most one
   * image; a global batch smaller than `size` leaves some ranks an empty slice. The order, and
   * every random draw, is the unsharded loader's, so a run is reproducible for a given `size`.
   */
  shard?: { rank: number; size: number };
}

// Separate streams, so that adding a transform never changes the decode-time crop.
const SHUFFLE_STREAM = 0x5348;
const DECODE_STREAM = 1;
const TRANSFORM_STREAM = 2;

/**
 * Turns a dataset into NCHW Float32 batches with Int32 labels, seeded per epoch. Every random
 * draw depends only on (seed, epoch, sample index), never on timing, so prefetch depth and
 * worker count do not change a single value.
 */
export class DataLoader {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly transform: Transform | undefined;
  readonly shardRank: number;
  readonly shardCount: number;
  readonly #options: DataLoaderOptions;
  #waitedMs = 0;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new Error(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    this.prefetch = Math.max(0, Math.floor(options.prefetch ?? 2));
    this.transform = options.transform;
    const { rank, size } = options.shard ?? { rank: 0, size: 1 };
    if (
      !Number.isInteger(size) ||
      size < 1 ||
      !Number.isInteger(rank) ||
      rank < 0 ||
      rank >= size
    ) {
      throw new Error(
        `shard must be { rank, size } with integers 0 ≤ rank < size, got { rank: ${rank}, size: ${size} }`,
      );
    }
    this.shardRank = rank;
    this.shardCount = size;
    this.#options = options;
  }

  /**
   * The same loader yielding only rank `rank`'s slice of each global batch, out of `size` ranks
   * (see `DataLoaderOptions.shard`).
   */
  shard(rank: number, size: number): DataLoader {
    return new DataLoader(this.dataset, { ...this.#options, shard: { rank, size } });
  }

  /** The [start, end) of this rank's slice of a global batch of `n` samples. */
  sliceOf(n: number): [number, number] {
    const r = this.shardRank;
    const s = this.shardCount;
    return [Math.floor((r * n) / s), Math.floor(((r + 1) * n) / s)];
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Milliseconds the consumer has spent waiting for a batch that was not ready yet. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** The sample order of an epoch. */
  order(epoch: number): Int32Array {
    const n = this.dataset.length;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    return permutation(n, deriveSeed(this.seed, epoch, SHUFFLE_STREAM));
  }

  /**
   * Iterates the batches of `epoch`, keeping up to `prefetch` batches loading in the
   * background while the consumer works on the current one.
   */
  async *epoch(epoch = 0): AsyncGenerator<Batch, void, undefined> {
    const order = this.order(epoch);
    const count = this.batchesPerEpoch;
    const inFlight: Promise<Batch>[] = [];
    let next = 0;
    const launch = () => {
      const start = next * this.batchSize;
      const global = order.subarray(start, Math.min(start + this.batchSize, order.length));
      const [lo, hi] = this.sliceOf(global.length);
      next++;
      const p =
        this.shardCount === 1
          ? this.loadBatch(global, epoch)
          : this.loadBatch(global.subarray(lo, hi), epoch).then((b) => ({
              ...b,
              globalSize: global.length,
            }));
      // Handled later by `await`; this only stops an early failure being reported as unhandled.
      p.catch(() => {});
      inFlight.push(p);
    };
    try {
      while (true) {
        if (inFlight.length === 0) {
          if (next >= count) return;
          launch();
        }
        const current = inFlight.shift()!;
        while (inFlight.length < this.prefetch && next < count) launch();
        const t0 = performance.now();
        const batch = await current;
        this.#waitedMs += performance.now() - t0;
        yield batch;
      }
    } finally {
      inFlight.length = 0;
    }
  }

  /** Epoch 0's batches; use {@link epoch} for later epochs. */
  [Symbol.asyncIterator](): AsyncGenerator<Batch, void, undefined> {
    return this.epoch(0);
  }

  /** Loads the given dataset indices as one batch, with `epoch`'s randomness. */
  async loadBatch(indices: ArrayLike<number>, epoch: number): Promise<Batch> {
    // Start on a later turn of the event loop: synchronous sources then fill batches while
    // the consumer awaits its own work, instead of inside the consumer's call.
    await nextTurn();
    const n = indices.length;
    const seeds = new Uint32Array(n);
    const pending: (Sample | Promise<Sample>)[] = [];
    for (let i = 0; i < n; i++) {
      const index = indices[i]!;
      seeds[i] = deriveSeed(this.seed, epoch, index);
      pending.push(this.dataset.get(index, { seed: deriveSeed(seeds[i]!, DECODE_STREAM) }));
    }
    const samples = await Promise.all(pending);
    let images: Float32Array | undefined;
    let shape: [number, number, number] | undefined;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const sample = samples[i]!;
      // The typed-array constructor converts natively; Float32Array.from iterates and is ~10× slower.
      let img: FloatImage = { data: new Float32Array(sample.image), shape: sample.shape };
      if (this.transform !== undefined) {
        img = this.transform(img, createRng(deriveSeed(seeds[i]!, TRANSFORM_STREAM)));
      }
      if (shape === undefined) {
        shape = [...img.shape];
        images = new Float32Array(n * img.data.length);
      } else if (img.shape.join() !== shape.join()) {
        throw new Error(
          `${this.dataset.format} ${this.dataset.split} sample ${indices[i]} has shape ${img.shape.join('×')}, expected ${shape.join('×')} like the rest of its batch`,
        );
      }
      images!.set(img.data, i * img.data.length);
      labels[i] = sample.label;
    }
    const [c, h, w] = shape ?? this.dataset.imageShape;
    return {
      images: images ?? new Float32Array(0),
      labels,
      shape: [n, c, h, w],
      indices: Int32Array.from(indices),
    };
  }
}
