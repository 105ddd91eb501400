import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { type CropPlan, planCrop } from '../transforms/crop-plan.js';
import { applyHslJitter } from '../transforms/hsl-jitter.js';

/** A decoded, cropped image: CHW bytes. */
export interface DecodedImage {
  readonly data: Uint8Array;
  readonly shape: readonly [number, number, number];
}

/**
 * Decodes one JPEG (or any format sharp reads) and applies a crop plan (crop, mirror, then the
 * plan's HSL jitter on the 8-bit pixels), giving 3×S×S RGB bytes.
 * Runs in decode workers; exported for the main thread too (contact sheets, tests).
 * `failOn: 'truncated'` rejects cut-off and undecodable files but tolerates the benign libjpeg
 * warnings a few ImageNet training images raise.
 */
export async function decodeAndCrop(
  file: string,
  plan: CropPlan,
  seed: number,
): Promise<DecodedImage> {
  const bytes = await readFile(file);
  const meta = await sharp(bytes, { failOn: 'truncated' }).metadata();
  if (meta.width === undefined || meta.height === undefined) throw new Error('image has no size');
  const g = planCrop(plan, meta.width, meta.height, seed);
  let pipeline = sharp(bytes, { failOn: 'truncated' })
    .resize(g.resizeWidth, g.resizeHeight, { fit: 'fill' })
    .extract({ left: g.left, top: g.top, width: g.size, height: g.size });
  if (g.flip) pipeline = pipeline.flop();
  const { data, info } = await pipeline
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  // On sharp's interleaved pixels, the layout OpenCV converts, before they are split into planes.
  if (g.hsl !== null) applyHslJitter(data, g.hsl);
  // sharp gives interleaved RGB (HWC); datasets hand out planes (CHW).
  const n = g.size * g.size;
  const out = new Uint8Array(3 * n);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = data[j]!;
    out[n + i] = data[j + 1]!;
    out[2 * n + i] = data[j + 2]!;
  }
  return { data: out, shape: [3, g.size, g.size] };
}
