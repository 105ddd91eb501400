/**
 * @igcnet/datasets: readers for CIFAR-10/100, SVHN, ImageNet and MNIST, seeded transforms, a
 * prefetching loader that yields NCHW Float32 batches, and verified dataset download.
 */

export {
  CACHE_DIR,
  COMPLETE_MARKER,
  type DownloadOptions,
  type DownloadResult,
  downloadDataset,
} from './download/download.js';
export { entryProblem, extractTarSafely } from './download/extract.js';
export {
  type DownloadProgress,
  type FetchOptions,
  fetchToFile,
  md5File,
} from './download/fetch-file.js';
export {
  type DatasetSource,
  type DownloadableDataset,
  type RemoteFile,
  SOURCES,
} from './download/sources.js';
export { DatasetError } from './errors.js';
export { datasetsFlags } from './flags.js';
export {
  type ContactSheet,
  type ContactSheetOptions,
  writeContactSheet,
} from './inspect/contact-sheet.js';
export {
  classCounts,
  type InspectOptions,
  type InspectReport,
  inspectDataset,
  type SplitReport,
} from './inspect/inspect.js';
export { DataLoader, type DataLoaderOptions } from './loader/data-loader.js';
export { type DecodedImage, decodeAndCrop } from './loader/jpeg-decode.js';
export { JpegPool, type JpegPoolOptions } from './loader/jpeg-pool.js';
export { parseMat, readMatFile } from './mat/read-mat.js';
export type { MatClass, MatData, MatVariable } from './mat/types.js';
export { createRng, deriveSeed, permutation, type Rng, splitmix32 } from './random/prng.js';
export {
  type Cifar10Options,
  type Cifar100Options,
  readCifar10,
  readCifar100,
} from './readers/cifar.js';
export { ConcatDataset } from './readers/concat-dataset.js';
export { type DetectedDataset, detectDataset } from './readers/detect.js';
export { type IdxArray, parseIdx, readIdxFile } from './readers/idx.js';
export {
  ImageNetDataset,
  type ImageNetOptions,
  readImageNet,
  readSynsetMapping,
  type SynsetMapping,
} from './readers/imagenet.js';
export { defaultMnistDir, type MnistOptions, readMnist } from './readers/mnist.js';
export { type OpenOptions, openDataset } from './readers/open.js';
export {
  PackedDataset,
  type PackedDatasetInit,
  type PixelLayout,
} from './readers/packed-dataset.js';
export { readSvhn, SVHN_CLASS_NAMES, type SvhnOptions, type SvhnSplit } from './readers/svhn.js';
export { horizontalFlip, type PadCropOptions, padCrop } from './transforms/augment.js';
export {
  type CenterCropPlan,
  type CropGeometry,
  type CropPlan,
  centerCrop,
  planCrop,
  type ScaleAspectCropPlan,
  scaleAspectCrop,
} from './transforms/crop-plan.js';
export {
  applyHslJitter,
  type HslJitterRange,
  type HslOffsets,
  PAPER_HSL_JITTER,
} from './transforms/hsl-jitter.js';
export { type ChannelStats, NORMALIZATION, normalize } from './transforms/normalize.js';
export { evalTransforms, trainTransforms } from './transforms/presets.js';
export { compose, type FloatImage, type Transform } from './transforms/transform.js';
export type { Batch, Dataset, DatasetFormat, GetOptions, ImageShape, Sample } from './types.js';
