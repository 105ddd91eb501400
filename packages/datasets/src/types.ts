/** The dataset families this package reads. */
export type DatasetFormat = 'cifar10' | 'cifar100' | 'svhn' | 'imagenet' | 'mnist';

/** An image shape as [channels, height, width]. */
export type ImageShape = readonly [number, number, number];

/** One decoded sample: channel-major (CHW) bytes in 0–255 and its class index. */
export interface Sample {
  /** C*H*W bytes, plane after plane, each plane row-major. */
  readonly image: Uint8Array;
  readonly shape: ImageShape;
  readonly label: number;
}

/** What the loader passes to `Dataset.get` so that random decode-time crops are reproducible. */
export interface GetOptions {
  /** A 32-bit seed for this sample in this epoch. */
  readonly seed?: number;
}

/**
 * A readable split of a dataset. Sources that decode in memory (CIFAR, SVHN, MNIST) return
 * samples synchronously; JPEG sources (ImageNet) return promises.
 */
export interface Dataset {
  readonly format: DatasetFormat;
  /** `train`, `test`, `val`, `extra` or `train+extra`. */
  readonly split: string;
  /** Class names in the dataset's canonical order: class i is `classNames[i]`. */
  readonly classNames: readonly string[];
  /** The shape of every sample `get` returns. */
  readonly imageShape: ImageShape;
  readonly length: number;
  /** Every label, known without decoding an image. */
  readonly labels: Int32Array;
  /** Remarks worth telling the user, e.g. that only some training batches are present. */
  readonly notes: readonly string[];
  get(index: number, options?: GetOptions): Sample | Promise<Sample>;
  /** Frees workers or other resources; a closed dataset must not be read again. */
  close(): Promise<void>;
}

/** A batch as plain typed arrays, independent of any tensor backend. */
export interface Batch {
  /** N*C*H*W float32 values, NCHW order. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly shape: readonly [number, number, number, number];
  /** Dataset indices of the samples, in batch order. */
  readonly indices: Int32Array;
  /**
   * From a sharded loader: the size of the global batch this one is a slice of (the sum of the
   * slices over all ranks).
   */
  readonly globalSize?: number;
}
