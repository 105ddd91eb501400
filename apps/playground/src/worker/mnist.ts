/**
 * The bundled MNIST subset: IDX files (MNIST's own format), gzip-compressed, written by
 * `scripts/mnist-subset.mjs` at build time and fetched here.
 */

/** One split: 28×28 images as bytes, labels 0–9. */
export interface MnistSplit {
  images: Uint8Array;
  labels: Int32Array;
  count: number;
}

/** Training normalisation, the CLI's for MNIST (`normalizationOf('mnist')`): mean and std × 255. */
export const MNIST_NORMALIZATION = { mean: [0.1307 * 255], std: [0.3081 * 255] } as const;
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const IMAGE_SHAPE = [1, 28, 28] as const;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} (was the app built with pnpm build?)`);
  const raw = new Uint8Array(await res.arrayBuffer());
  // A server may already have undone the gzip (Content-Encoding); the magic bytes tell.
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parses an unsigned-byte IDX file of the given rank, checking its header against its size. */
export function parseIdx(
  bytes: Uint8Array,
  rank: number,
  source: string,
): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4 + 4 * rank) throw new Error(`${source}: too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== 0x800 + rank)
    throw new Error(
      `${source}: IDX magic 0x${magic.toString(16)}, expected 0x${(0x800 + rank).toString(16)} (unsigned bytes, rank ${rank})`,
    );
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length !== start + size)
    throw new Error(
      `${source}: ${bytes.length - start} data bytes, the header says ${size} (${dims.join('×')})`,
    );
  return { dims, data: bytes.subarray(start) };
}

/** Fetches and checks one split from `base` (a URL ending in `/`). */
export async function loadMnist(base: string, split: 'train' | 'test'): Promise<MnistSplit> {
  const imagesUrl = new URL(`${split}-images.idx.gz`, base).href;
  const labelsUrl = new URL(`${split}-labels.idx.gz`, base).href;
  const [imagesFile, labelsFile] = await Promise.all([
    fetchBytes(imagesUrl),
    fetchBytes(labelsUrl),
  ]);
  const images = parseIdx(imagesFile, 3, imagesUrl);
  const labels = parseIdx(labelsFile, 1, labelsUrl);
  const [n, h, w] = images.dims as [number, number, number];
  if (h !== 28 || w !== 28) throw new Error(`${imagesUrl}: images are ${h}×${w}, expected 28×28`);
  if (labels.dims[0] !== n)
    throw new Error(`${labelsUrl}: ${labels.dims[0]} labels for ${n} images`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels.data[i]!;
    if (v > 9) throw new Error(`${labelsUrl}: label ${v} at index ${i}, expected 0–9`);
    out[i] = v;
  }
  return { images: images.data, labels: out, count: n };
}
