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

/** Emitted after each evaluation on the test data. */
export interface EvalEvent {
  type: 'eval';
  epoch: number;
  loss: number;
  top1Error: number;
  top5Error: number;
  count: number;
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
export type TrainEvent = StepEvent | EvalEvent | EpochEvent;
