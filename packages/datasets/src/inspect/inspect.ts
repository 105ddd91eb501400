import { DatasetError } from '../errors.js';
import { detectDataset } from '../readers/detect.js';
import { openDataset } from '../readers/open.js';
import { centerCrop } from '../transforms/crop-plan.js';
import type { Dataset, DatasetFormat, ImageShape } from '../types.js';
import { type ContactSheet, writeContactSheet } from './contact-sheet.js';
import { readEverySample } from './verify.js';

/** Counts for one split. `perClass[i]` counts class i in the canonical class order. */
export interface SplitReport {
  readonly count: number;
  readonly perClass: number[];
}

/** What {@link inspectDataset} found. */
export interface InspectReport {
  readonly format: DatasetFormat;
  readonly dir: string;
  readonly imageShape: ImageShape;
  readonly classNames: readonly string[];
  readonly splits: Record<string, SplitReport>;
  readonly notes: readonly string[];
  readonly contactSheet?: ContactSheet;
}

/** Options for {@link inspectDataset}. */
export interface InspectOptions {
  /** Write a PNG contact sheet of samples from the first split here. */
  contactSheet?: string;
  /** ImageNet: decode every image to find corrupt files (slow on the full set). */
  verify?: boolean;
}

/** Counts per class. */
export function classCounts(labels: Int32Array, numClasses: number): number[] {
  const out = new Array<number>(numClasses).fill(0);
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

/**
 * Detects a dataset folder, reads every split present (so any bad file fails the whole
 * inspection) and reports its counts; optionally writes a contact sheet.
 */
export async function inspectDataset(
  dir: string,
  options: InspectOptions = {},
): Promise<InspectReport> {
  const detected = await detectDataset(dir);
  if (detected.splits.length === 0) {
    throw new DatasetError(detected.root, `missing splits: no ${detected.format} split is present`);
  }
  const splits: Record<string, SplitReport> = {};
  const notes: string[] = [];
  let first: Dataset | undefined;
  let classNames: readonly string[] = [];
  let imageShape: ImageShape = [0, 0, 0];
  const opened: Dataset[] = [];
  try {
    for (const split of detected.splits) {
      const ds = await openDataset(detected.root, {
        split,
        format: detected.format,
        // Small centre crops keep the sheet light; counts do not depend on the crop.
        crop: detected.format === 'imagenet' ? centerCrop({ size: 96, resize: 110 }) : undefined,
      });
      opened.push(ds);
      first ??= ds;
      classNames = ds.classNames;
      imageShape = detected.format === 'imagenet' ? [3, 224, 224] : ds.imageShape;
      splits[split] = { count: ds.length, perClass: classCounts(ds.labels, ds.classNames.length) };
      notes.push(...ds.notes);
      if (options.verify && detected.format === 'imagenet') {
        await readEverySample(ds);
      }
    }
    const contactSheet =
      options.contactSheet !== undefined && first !== undefined
        ? await writeContactSheet(first, options.contactSheet)
        : undefined;
    return {
      format: detected.format,
      dir: detected.root,
      imageShape,
      classNames,
      splits,
      notes,
      contactSheet,
    };
  } finally {
    await Promise.all(opened.map((d) => d.close()));
  }
}
