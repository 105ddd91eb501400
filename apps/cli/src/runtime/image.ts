import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';

/**
 * Decodes an image file to normalised CHW float32 values for a model input of `shape`:
 * ImageNet-sized inputs get the paper's test crop (short side 256·S/224, centre S×S); small
 * inputs (CIFAR, SVHN, MNIST) are resized to H×W. One channel means greyscale.
 */
export async function loadImage(
  file: string,
  shape: readonly [number, number, number],
  norm: { mean: readonly number[]; std: readonly number[] },
): Promise<Float32Array> {
  const [c, h, w] = shape;
  if (c !== 1 && c !== 3)
    throw new Error(
      `${file}: the model takes ${c} channels; only 1 (grey) or 3 (RGB) can be decoded`,
    );
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  let img = sharp(bytes, { failOn: 'truncated' });
  let meta: Metadata;
  try {
    meta = await img.metadata();
  } catch (e) {
    throw new Error(`${file}: not a readable image (${(e as Error).message})`);
  }
  if (!meta.width || !meta.height) throw new Error(`${file}: image has no size`);
  if (h >= 128 && h === w) {
    const short = Math.round((256 * h) / 224);
    img = img
      .resize(meta.width <= meta.height ? { width: short } : { height: short })
      .resize(h, w, { fit: 'cover', position: 'centre' });
  } else {
    img = img.resize(w, h, { fit: 'fill' });
  }
  img = c === 1 ? img.greyscale() : img.removeAlpha().toColourspace('srgb');
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await img.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`${file}: cannot decode (${(e as Error).message})`);
  }
  const channels = raw.info.channels;
  const n = h * w;
  const out = new Float32Array(c * n);
  for (let ch = 0; ch < c; ch++) {
    const m = norm.mean[ch] ?? 0;
    const s = norm.std[ch] ?? 1;
    for (let i = 0; i < n; i++) out[ch * n + i] = (raw.data[i * channels + ch]! - m) / s;
  }
  return out;
}
