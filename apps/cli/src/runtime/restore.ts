import { resolve } from 'node:path';
import type { DatasetFormat } from '@igcnet/datasets';
import { createModel, modelFromCheckpointMeta } from '@igcnet/models';
import { type Checkpoint, restoreCheckpoint } from '@igcnet/trainer';
import { loadCheckpoint } from '@igcnet/trainer/node';
import { isDatasetFormat } from './presets.js';

/** A model rebuilt from a checkpoint, with what training recorded about its data. */
export interface RestoredModel {
  checkpoint: Checkpoint;
  path: string;
  model: ReturnType<typeof createModel>;
  dataset: DatasetFormat | undefined;
  classNames: readonly string[] | undefined;
  imageShape: readonly [number, number, number] | undefined;
  normalization: { mean: readonly number[]; std: readonly number[] } | undefined;
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

/** Loads a checkpoint and builds its model with the recorded options. */
export async function restoreModel(cwd: string, file: string): Promise<RestoredModel> {
  const path = resolve(cwd, file);
  const checkpoint = await loadCheckpoint(path);
  const { extra = {} } = checkpoint.meta;
  // The metadata is checked against the stored tensors before the model is built.
  const { name, numClasses, inChannels } = modelFromCheckpointMeta(
    path,
    checkpoint.meta,
    checkpoint.model,
  );
  const model = createModel(name, { numClasses, inChannels, init: 'zeros' });
  try {
    restoreCheckpoint(path, checkpoint, model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const ds =
    typeof extra.dataset === 'string' && isDatasetFormat(extra.dataset) ? extra.dataset : undefined;
  const names =
    Array.isArray(extra.classNames) && extra.classNames.every((n) => typeof n === 'string')
      ? (extra.classNames as string[])
      : undefined;
  const shape =
    isNumberArray(extra.imageShape) && extra.imageShape.length === 3
      ? (extra.imageShape as [number, number, number])
      : undefined;
  const norm = extra.normalization as { mean?: unknown; std?: unknown } | undefined;
  const normalization =
    norm && isNumberArray(norm.mean) && isNumberArray(norm.std)
      ? { mean: norm.mean, std: norm.std }
      : undefined;
  return {
    checkpoint,
    path,
    model,
    dataset: ds,
    classNames: names,
    imageShape: shape,
    normalization,
  };
}
