/**
 * @igcnet/trainer: SGD (momentum, Nesterov, weight decay) on the fused update kernel, learning-rate
 * schedules, the training loop with events, evaluation (top-1/top-5), step telemetry, safetensors
 * checkpoints in memory, and data-parallel training over a communicator (Open MPI through
 * `@igcnet/distributed`). This entry runs in browsers as well as Node: it reaches no Node
 * built-in. Files on disk (checkpoints, run folders, metrics, TensorBoard event files, HTML
 * reports) are in `@igcnet/trainer/node`.
 * @packageDocumentation
 */
export {
  assignNamed,
  CHECKPOINT_FORMAT,
  type Checkpoint,
  type CheckpointMeta,
  checkNamed,
  decodeCheckpoint,
  encodeCheckpoint,
  restoreCheckpoint,
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
export { DEFAULT_BUCKET_BYTES, GradientBuckets } from './distributed/buckets.js';
export { type Communicator, isWriter } from './distributed/communicator.js';
export { DataParallel } from './distributed/data_parallel.js';
export type { EpochEvent, EvalEvent, LogEvent, StepEvent, TrainEvent } from './loop/events.js';
export { DivergenceError, type FitOptions, type FitResult, fit } from './loop/fit.js';
export type { BatchSource, TrainableModel } from './loop/model.js';
export type { RunStore } from './loop/store.js';
export {
  type EvalResult,
  type EvaluateOptions,
  evaluate,
  type Predictions,
  topKHits,
} from './metrics/evaluate.js';
export { excludeBnAndBias, SGD, type SGDOptions } from './optim/sgd.js';
export { RUN_COLORS } from './report/chart_data.js';
export type { ChartSeries, ChartSpec, ClientSpec } from './report/client.js';
export {
  buildEvalReport,
  type ClassAccuracy,
  checkEvalReport,
  confusionMatrix,
  EVAL_FILE,
  EVAL_FORMAT,
  type EvalReport,
  type EvalSample,
  perClassAccuracy,
  pickSamples,
} from './report/eval_report.js';
export type { RunMetrics } from './report/metrics.js';
export {
  checkMetricsLine,
  METRICS_LINES,
  type MetricsField,
  type MetricsLine,
} from './report/metrics-schema.js';
export { smoothEma } from './report/smoothing.js';
export {
  constant,
  cosine,
  type LrSchedule,
  multiStep,
  paperSchedule,
  stepEvery,
  warmup,
} from './schedule/schedules.js';
export { defaultLogEvery, LOG_POINTS_PER_EPOCH, StepLogger } from './telemetry/step_logger.js';
export {
  globalNorm,
  StepStats,
  type StepTensors,
  type WindowStats,
} from './telemetry/step_stats.js';
export { type TaggedScalars, tensorBoardScalars } from './tensorboard/scalars.js';
