/**
 * @igcnet/datasets: readers for CIFAR-10/100, SVHN, ImageNet and MNIST, seeded transforms, a
 * prefetching loader that yields NCHW Float32 batches, and verified dataset download.
 */

export { PLAUSIBLE_RATIO, plausibleInflatedBytes } from './compression/capped-inflate.js';
export {
  CACHE_DIR,
  COMPLETE_MARKER,
  type DownloadOptions,
  type DownloadResult,
  downloadDataset,
} from './download/download.js';
export {
  archiveProblems,
  type ExtractOptions,
  entryProblem,
  extractTarSafely,
} from './download/extract.js';
export {
  type DownloadProgress,
  type FetchOptions,
  fetchToFile,
  md5File,
  redirectTarget,
} from './download/fetch-file.js';
export {
  type DatasetSource,
  DEFAULT_UNPACK_LIMITS,
  type DownloadableDataset,
  type RemoteFile,
  SOURCES,
  type UnpackLimits,
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
export { readEverySample } from './inspect/verify.js';
export { DataLoader, type DataLoaderOptions } from './loader/data-loader.js';
export { type DecodedImage, decodeAndCrop } from './loader/jpeg-decode.js';
export { JpegPool, type JpegPoolOptions } from './loader/jpeg-pool.js';
export {
  MAX_MAT_ELEMENT_BYTES,
  type MatReadOptions,
  parseMat,
  readMatFile,
} from './mat/read-mat.js';
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
export {
  gunzipIdx,
  type IdxArray,
  MAX_IDX_BYTES,
  parseIdx,
  readIdxFile,
} from './readers/idx.js';
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
export {
  readSvhn,
  SVHN_CLASS_NAMES,
  SVHN_MAX_ELEMENT_BYTES,
  type SvhnOptions,
  type SvhnSplit,
} from './readers/svhn.js';
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
