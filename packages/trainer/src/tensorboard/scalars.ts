import type { TrainEvent } from '../loop/events.js';

/** The scalars of one training event, as TensorBoard tags, at a global step. */
export interface TaggedScalars {
  step: number;
  values: [tag: string, value: number][];
}

/**
 * Maps training events to TensorBoard scalars: step lines to `train/loss`, `train/top1_error`,
 * `train/lr`, `train/images_per_sec`, `train/grad_norm`; evaluations to `test/loss`,
 * `test/top1_error`, `test/top5_error`, at the global step they ran after. Other events map to
 * nothing.
 */
export function tensorBoardScalars(e: TrainEvent): TaggedScalars | undefined {
  if (e.type === 'log') {
    return {
      step: e.step,
      values: [
        ['train/loss', e.trainLoss],
        ['train/top1_error', e.trainTop1Error],
        ['train/lr', e.lr],
        ['train/images_per_sec', e.imagesPerSec],
        ['train/grad_norm', e.gradNorm],
      ],
    };
  }
  if (e.type === 'eval') {
    return {
      step: e.step,
      values: [
        ['test/loss', e.loss],
        ['test/top1_error', e.top1Error],
        ['test/top5_error', e.top5Error],
      ],
    };
  }
  return undefined;
}
