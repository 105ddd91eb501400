import sharp from 'sharp';
import type { Dataset, Sample } from '../types.js';

/** Options for {@link writeContactSheet}. */
export interface ContactSheetOptions {
  /** Samples per row (one row per class). Default 8. */
  perClass?: number;
  /** Rows at most. Default 10. */
  maxClasses?: number;
  /** Tiles are scaled up by whole factors until at least this many pixels high. Default 64. */
  minTile?: number;
}

/** What the sheet shows: row r holds samples of class `classes[r]`. */
export interface ContactSheet {
  readonly file: string;
  readonly classes: readonly number[];
  readonly width: number;
  readonly height: number;
}

const GAP = 2;

/**
 * Writes a PNG grid of samples: one row per class (the first classes that have samples), the
 * first few samples of each class left to right.
 */
export async function writeContactSheet(
  dataset: Dataset,
  file: string,
  options: ContactSheetOptions = {},
): Promise<ContactSheet> {
  const perClass = options.perClass ?? 8;
  const maxClasses = options.maxClasses ?? 10;
  const picks = new Map<number, number[]>();
  for (let i = 0; i < dataset.length && picks.size <= maxClasses; i++) {
    const label = dataset.labels[i]!;
    const list = picks.get(label) ?? [];
    if (list.length === 0 && picks.size === maxClasses) continue;
    if (list.length < perClass) list.push(i);
    picks.set(label, list);
    if (picks.size === maxClasses && [...picks.values()].every((l) => l.length === perClass)) break;
  }
  const classes = [...picks.keys()].sort((a, b) => a - b);
  const [c, h, w] = dataset.imageShape;
  const k = Math.max(1, Math.ceil((options.minTile ?? 64) / h));
  const tileW = w * k;
  const tileH = h * k;
  const cols = Math.max(1, ...[...picks.values()].map((l) => l.length));
  const width = cols * (tileW + GAP) + GAP;
  const height = Math.max(1, classes.length * (tileH + GAP) + GAP);
  const sheet = Buffer.alloc(width * height * 3, 40);
  for (let row = 0; row < classes.length; row++) {
    const indices = picks.get(classes[row]!)!;
    const samples: Sample[] = await Promise.all(indices.map((i) => dataset.get(i)));
    samples.forEach((s, col) => {
      const x0 = GAP + col * (tileW + GAP);
      const y0 = GAP + row * (tileH + GAP);
      for (let y = 0; y < tileH; y++) {
        for (let x = 0; x < tileW; x++) {
          const src = Math.floor(y / k) * w + Math.floor(x / k);
          const dst = ((y0 + y) * width + x0 + x) * 3;
          for (let ch = 0; ch < 3; ch++)
            sheet[dst + ch] = s.image[Math.min(ch, c - 1) * h * w + src]!;
        }
      }
    });
  }
  await sharp(sheet, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
  return { file, classes, width, height };
}
