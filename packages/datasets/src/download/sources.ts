/** A file to fetch, with the checksum its publisher lists. */
export interface RemoteFile {
  readonly name: string;
  readonly url: string;
  readonly md5: string;
  /**
   * Its published size in bytes. A download is refused past this size plus 5 % (the MD5 is the
   * exact check), so a server that streams without end cannot fill the disk.
   */
  readonly bytes?: number;
}

/** How much a dataset's files may unpack to (all files together) and how many entries. */
export interface UnpackLimits {
  readonly bytes: number;
  readonly entries: number;
}

/** Limits for a source that gives none: 4 GiB and 10,000 entries. */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = { bytes: 2 ** 32, entries: 10_000 };

/** How the fetched files become the dataset folder. */
export type Unpack = 'tar.gz' | 'gunzip' | 'copy';

/** A dataset's canonical distribution. */
export interface DatasetSource {
  /** The folder created under the download directory. */
  readonly target: string;
  readonly files: readonly RemoteFile[];
  readonly unpack: Unpack;
  /** Files that must be in the target folder for the download to count as complete. */
  readonly expect: readonly string[];
  /** What unpacking may produce; {@link DEFAULT_UNPACK_LIMITS} when absent. */
  readonly limits?: UnpackLimits;
}

/** Datasets `downloadDataset` can fetch. */
export type DownloadableDataset = 'cifar10' | 'cifar100' | 'svhn' | 'mnist';

const TORONTO = 'https://www.cs.toronto.edu/~kriz';
const UFLDL = 'http://ufldl.stanford.edu/housenumbers';
// The PyTorch mirror of Yann LeCun's MNIST files (torchvision's default since the original
// site started refusing automated downloads); the checksums are those of the original files.
const MNIST = 'https://ossci-datasets.s3.amazonaws.com/mnist';

/**
 * Official URLs, MD5s and sizes. CIFAR's are on its download page; SVHN's and MNIST's are the ones
 * torchvision checks, since their sites publish none.
 */
export const SOURCES: Readonly<Record<DownloadableDataset, DatasetSource>> = {
  cifar10: {
    target: 'cifar-10-batches-bin',
    unpack: 'tar.gz',
    files: [
      {
        name: 'cifar-10-binary.tar.gz',
        url: `${TORONTO}/cifar-10-binary.tar.gz`,
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
        bytes: 170_052_171,
      },
    ],
    expect: [
      'batches.meta.txt',
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
      'test_batch.bin',
    ],
    // Six batches of 30,730,000 bytes, the names and a readme.
    limits: { bytes: 200_000_000, entries: 64 },
  },
  cifar100: {
    target: 'cifar-100-binary',
    unpack: 'tar.gz',
    files: [
      {
        name: 'cifar-100-binary.tar.gz',
        url: `${TORONTO}/cifar-100-binary.tar.gz`,
        md5: '03b5dce01913d631647c71ecec9e9cb8',
        bytes: 168_513_733,
      },
    ],
    expect: ['coarse_label_names.txt', 'fine_label_names.txt', 'train.bin', 'test.bin'],
    // train.bin 153,700,000 and test.bin 30,740,000 bytes, the names.
    limits: { bytes: 200_000_000, entries: 64 },
  },
  svhn: {
    target: 'svhn',
    unpack: 'copy',
    files: [
      {
        name: 'train_32x32.mat',
        url: `${UFLDL}/train_32x32.mat`,
        md5: 'e26dedcc434d2e4c54c9b2d4a06d8373',
        bytes: 182_040_794,
      },
      {
        name: 'test_32x32.mat',
        url: `${UFLDL}/test_32x32.mat`,
        md5: 'eb5a983be6a315427106f1b164d9cef3',
        bytes: 64_275_384,
      },
      {
        name: 'extra_32x32.mat',
        url: `${UFLDL}/extra_32x32.mat`,
        md5: 'a93ce644f1a588dc4d68dda5feec44a7',
        bytes: 1_329_278_602,
      },
    ],
    expect: ['train_32x32.mat', 'test_32x32.mat'],
    // Copied as they are.
    limits: { bytes: 1_700_000_000, entries: 3 },
  },
  mnist: {
    target: 'mnist',
    unpack: 'gunzip',
    files: [
      {
        name: 'train-images-idx3-ubyte.gz',
        url: `${MNIST}/train-images-idx3-ubyte.gz`,
        md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
        bytes: 9_912_422,
      },
      {
        name: 'train-labels-idx1-ubyte.gz',
        url: `${MNIST}/train-labels-idx1-ubyte.gz`,
        md5: 'd53e105ee54ea40749a09fcbcd1e9432',
        bytes: 28_881,
      },
      {
        name: 't10k-images-idx3-ubyte.gz',
        url: `${MNIST}/t10k-images-idx3-ubyte.gz`,
        md5: '9fb629c4189551a2d022fa330f9573f3',
        bytes: 1_648_877,
      },
      {
        name: 't10k-labels-idx1-ubyte.gz',
        url: `${MNIST}/t10k-labels-idx1-ubyte.gz`,
        md5: 'ec29112dd5afa0611ce80d1b7f02629c',
        bytes: 4_542,
      },
    ],
    expect: [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ],
    // 47,040,016 + 60,008 + 7,840,016 + 10,008 bytes unpacked.
    limits: { bytes: 60_000_000, entries: 4 },
  },
};
