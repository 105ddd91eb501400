import type { Predictions } from '../metrics/evaluate.js';

/** Emitted after every optimisation step. */
export interface StepEvent {
  type: 'step';
  epoch: number;
  /** Step within the epoch, from 0. */
  step: number;
  /** Steps per epoch. */
  steps: number;
  /** Steps since the start of training. */
  globalStep: number;
  loss: number;
  lr: number;
  /** Training throughput over this epoch so far. */
  imagesPerSec: number;
  /** Seconds since the epoch started. */
  seconds: number;
}

/**
 * Emitted every `logEvery` steps and at the end of each epoch with the training figures of the
 * steps since the last one (the step line written to metrics.jsonl).
 */
export interface LogEvent {
  type: 'log';
  /** Steps since the start of training, this one included. */
  step: number;
  /** Fractional epoch: `step` divided by the steps per epoch. */
  epoch: number;
  /** Mean cross-entropy over the images of the window. */
  trainLoss: number;
  /** Fraction of the window's images whose top prediction was wrong. */
  trainTop1Error: number;
  /** Learning rate of the last step. */
  lr: number;
  /** Mean over the window's steps of the global L2 norm of the gradients (before weight decay). */
  gradNorm: number;
  /** Training throughput over the window. */
  imagesPerSec: number;
  /** Steps and images in the window. */
  steps: number;
  images: number;
  /** Seconds since the epoch started. */
  seconds: number;
}

/** Emitted after each evaluation on the test data. */
export interface EvalEvent {
  type: 'eval';
  epoch: number;
  /** Steps since the start of training when the evaluation ran. */
  step: number;
  loss: number;
  top1Error: number;
  top5Error: number;
  count: number;
  /** Per-example predictions, on the last epoch of a `fit` call. */
  predictions?: Predictions;
}

/** Emitted at the end of each epoch with its metrics (the line written to metrics.jsonl). */
export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  lr: number;
  trainLoss: number;
  trainTop1Error: number;
  testLoss?: number;
  testTop1Error?: number;
  testTop5Error?: number;
  images: number;
  seconds: number;
  imagesPerSec: number;
  /** Where the checkpoint of this epoch was written, if any. */
  checkpoint?: string;
}

/** Everything the training loop tells its caller. */
export type TrainEvent = StepEvent | LogEvent | EvalEvent | EpochEvent;
