/**
 * @igcnet/trainer: SGD (momentum, Nesterov, weight decay) on the fused update kernel, learning-rate
 * schedules, the training loop with events, evaluation (top-1/top-5), per-epoch JSONL metrics and
 * safetensors checkpoints written atomically, and data-parallel training over a communicator
 * (Open MPI through `@igcnet/distributed`).
 * @packageDocumentation
 */
export {
  assignNamed,
  CHECKPOINT_FORMAT,
  type Checkpoint,
  type CheckpointMeta,
  checkNamed,
  decodeCheckpoint,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export {
  decodeSafeTensors,
  encodeSafeTensors,
  MAX_HEADER_BYTES,
  type SafeDType,
  type SafeTensor,
  type SafeTensorsFile,
} from './checkpoint/safetensors.js';
export { DEFAULT_BUCKET_BYTES, GradientBuckets } from './distributed/buckets.js';
export { type Communicator, isWriter } from './distributed/communicator.js';
export { DataParallel } from './distributed/data_parallel.js';
export { writeFileAtomic } from './io/atomic.js';
export type { EpochEvent, EvalEvent, StepEvent, TrainEvent } from './loop/events.js';
export {
  CHECKPOINT_FILE,
  DivergenceError,
  type FitOptions,
  type FitResult,
  fit,
  METRICS_FILE,
} from './loop/fit.js';
export type { BatchSource, TrainableModel } from './loop/model.js';
export {
  type EvalResult,
  type EvaluateOptions,
  evaluate,
  topKHits,
} from './metrics/evaluate.js';
export { excludeBnAndBias, SGD, type SGDOptions } from './optim/sgd.js';
export { type ReportInfo, renderReport } from './report/html.js';
export { readMetrics } from './report/metrics.js';
export {
  constant,
  cosine,
  type LrSchedule,
  multiStep,
  paperSchedule,
  stepEvery,
  warmup,
} from './schedule/schedules.js';
