import { join } from 'node:path';
import type { Dataset } from '@igcnet/datasets';
import { buildEvalReport, EVAL_FILE, type EvalReport, type Predictions } from '@igcnet/trainer';
import { writeEvalReport } from '@igcnet/trainer/node';
import sharp from 'sharp';

/** Thumbnails larger than this (ImageNet) are scaled down to keep the report page small. */
const MAX_SIDE = 96;

/** A dataset sample as a PNG `data:` URL. */
async function sampleImage(dataset: Dataset, index: number): Promise<string> {
  const s = await dataset.get(index);
  const [c, h, w] = s.shape;
  const hwc = Buffer.alloc(h * w * c);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < h * w; i++) hwc[i * c + ch] = s.image[ch * h * w + i]!;
  let img = sharp(hwc, { raw: { width: w, height: h, channels: c as 1 | 3 } });
  if (Math.max(h, w) > MAX_SIDE) img = img.resize(MAX_SIDE, MAX_SIDE, { fit: 'inside' });
  const png = await img.png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * Writes `eval.json` into `dir`: the confusion matrix of `predictions` on `dataset` and a grid of
 * its images (mistakes first) that `igc report` shows.
 */
export async function writeRunEvalReport(
  dir: string,
  predictions: Predictions,
  dataset: Dataset,
  info: { source: 'train' | 'eval'; model: string; epoch: number },
): Promise<{ path: string; report: EvalReport }> {
  const report = buildEvalReport(predictions, {
    ...info,
    dataset: dataset.format,
    split: dataset.split,
    classNames: [...dataset.classNames],
  });
  for (const s of report.samples) s.image = await sampleImage(dataset, s.index);
  const path = join(dir, EVAL_FILE);
  await writeEvalReport(path, report);
  return { path, report };
}
