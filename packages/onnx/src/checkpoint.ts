import { createModel, modelEntry, modelFromCheckpointMeta, type Network } from '@igcnet/models';
import { type Checkpoint, restoreCheckpoint } from '@igcnet/trainer';
import { loadCheckpoint } from '@igcnet/trainer/node';
import type { ChannelStats, ExportOptions } from './export.js';
import { writeOnnx } from './write.js';

/** Options of {@link exportCheckpointToOnnx}. */
export interface CheckpointExportOptions {
  /** Dataset for the metadata; defaults to the checkpoint's `extra.dataset`. */
  dataset?: string;
  /** Normalisation for the metadata; defaults to the checkpoint's `extra.normalization`. */
  normalization?: ChannelStats;
  /**
   * Normalisation per dataset name (e.g. the datasets package's `NORMALIZATION`), used when
   * neither `normalization` nor the checkpoint gives one.
   */
  normalizations?: Readonly<Record<string, ChannelStats>>;
  /** Input height = width; defaults to the zoo's size (32 for CIFAR nets, 224 for ImageNet). */
  inputSize?: number;
  /** Opset; defaults to 17. */
  opset?: number;
  /** Symbolic height and width (see `ExportOptions.dynamicSize`). */
  dynamicSize?: boolean;
}

/** What {@link exportCheckpointToOnnx} wrote. */
export interface CheckpointExportResult {
  /** Zoo name from the checkpoint. */
  model: string;
  /** Classifier outputs (the `logits` width). */
  numClasses: number;
  /** Bytes written. */
  bytes: number;
  /** The options the file was exported with. */
  options: ExportOptions;
}

function isStats(v: unknown): v is ChannelStats {
  if (typeof v !== 'object' || v === null) return false;
  const { mean, std } = v as Record<string, unknown>;
  const nums = (a: unknown): boolean =>
    Array.isArray(a) && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  return nums(mean) && nums(std);
}

/** Dataset and normalisation for the metadata: options first, then the checkpoint's extras. */
function metadataOf(
  ckpt: Checkpoint,
  opts: CheckpointExportOptions,
): Pick<ExportOptions, 'dataset' | 'normalization'> {
  const extra = ckpt.meta.extra ?? {};
  const dataset = opts.dataset ?? (typeof extra.dataset === 'string' ? extra.dataset : undefined);
  const saved = extra.normalization ?? extra.normalisation;
  const normalization =
    opts.normalization ??
    (isStats(saved) ? saved : undefined) ??
    (dataset !== undefined ? opts.normalizations?.[dataset] : undefined);
  return {
    ...(dataset !== undefined ? { dataset } : {}),
    ...(normalization ? { normalization } : {}),
  };
}

/**
 * Builds the zoo model named by a checkpoint (`meta.model`, with `numClasses` and `inChannels`
 * from `meta.config`), loads its tensors and writes it as ONNX to `onnxPath`. Every name, shape
 * and dtype is checked before anything is written: a checkpoint that does not match the named
 * model is an error listing the missing and unexpected keys and the shape mismatches, and no
 * file is created.
 */
export async function exportCheckpointToOnnx(
  checkpointPath: string,
  onnxPath: string,
  opts: CheckpointExportOptions = {},
): Promise<CheckpointExportResult> {
  const ckpt = await loadCheckpoint(checkpointPath);
  // The metadata is checked against the stored tensors before the model is built.
  const { name, numClasses, inChannels } = modelFromCheckpointMeta(
    checkpointPath,
    ckpt.meta,
    ckpt.model,
  );
  const entry = modelEntry(name);
  const size = opts.inputSize ?? entry.inputShape[1];
  let model: Network | undefined;
  try {
    model = createModel(name, { numClasses, inChannels, init: 'zeros' });
    // Checks every name, shape and dtype first; assigns only when all match.
    restoreCheckpoint(checkpointPath, ckpt, model);
    const options: ExportOptions = {
      modelName: name,
      inputShape: [inChannels, size, size],
      ...metadataOf(ckpt, opts),
      ...(opts.opset !== undefined ? { opset: opts.opset } : {}),
      ...(opts.dynamicSize ? { dynamicSize: true } : {}),
      metadata: { epoch: String(ckpt.meta.epoch), seed: String(ckpt.meta.seed) },
    };
    const bytes = await writeOnnx(onnxPath, model, options);
    return { model: name, numClasses, bytes, options };
  } finally {
    model?.dispose();
  }
}
