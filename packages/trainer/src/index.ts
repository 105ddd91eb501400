/**
 * @igcnet/trainer: SGD (momentum, Nesterov, weight decay) on the fused update kernel, learning-rate
 * schedules, the training loop with events, evaluation (top-1/top-5), per-epoch JSONL metrics and
 * safetensors checkpoints written atomically.
 * @packageDocumentation
 */
export {
  assignNamed,
  CHECKPOINT_FORMAT,
  type Checkpoint,
  type CheckpointMeta,
  checkNamed,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { SafeTensorsError } from './checkpoint/errors.js';
export {
  decodeSafeTensors,
  encodeSafeTensors,
  MAX_HEADER_BYTES,
  type SafeDType,
  type SafeTensor,
  type SafeTensorsFile,
} from './checkpoint/safetensors.js';
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
export { type EvalResult, evaluate, topKHits } from './metrics/evaluate.js';
export { excludeBnAndBias, SGD, type SGDOptions } from './optim/sgd.js';
export { type ReportInfo, renderReport } from './report/html.js';
export { readMetrics, readMetricsLines } from './report/metrics.js';
export {
  checkMetricsLine,
  METRICS_LINES,
  type MetricsField,
  type MetricsLine,
} from './report/metrics-schema.js';
export {
  constant,
  cosine,
  type LrSchedule,
  multiStep,
  paperSchedule,
  stepEvery,
  warmup,
} from './schedule/schedules.js';
