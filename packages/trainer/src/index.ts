/**
 * @igcnet/trainer: SGD (momentum, Nesterov, weight decay) on the fused update kernel, learning-rate
 * schedules, the training loop with events, evaluation (top-1/top-5), JSONL metrics per epoch and
 * every N steps, TensorBoard event files, HTML reports, safetensors checkpoints written
 * atomically, and data-parallel training over a communicator (Open MPI through
 * `@igcnet/distributed`).
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
export { writeFileAtomic } from './io/atomic.js';
export type { EpochEvent, EvalEvent, LogEvent, StepEvent, TrainEvent } from './loop/events.js';
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
  type Predictions,
  topKHits,
} from './metrics/evaluate.js';
export { excludeBnAndBias, SGD, type SGDOptions } from './optim/sgd.js';
export { RUN_COLORS } from './report/chart_data.js';
export type { ChartSeries, ChartSpec, ClientSpec } from './report/client.js';
export {
  buildEvalReport,
  type ClassAccuracy,
  confusionMatrix,
  EVAL_FILE,
  EVAL_FORMAT,
  type EvalReport,
  type EvalSample,
  perClassAccuracy,
  pickSamples,
  readEvalReport,
  writeEvalReport,
} from './report/eval_report.js';
export { type ReportOptions, type ReportRun, renderReport } from './report/html.js';
export {
  type RunMetrics,
  readMetrics,
  readMetricsLines,
  readRunMetrics,
} from './report/metrics.js';
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
export { crc32c, maskCrc, maskedCrc32c } from './tensorboard/crc32c.js';
export {
  decodeEvent,
  encodeEvent,
  FILE_VERSION,
  fileVersionEvent,
  scalarEvent,
  type TbEvent,
} from './tensorboard/proto.js';
export { type TaggedScalars, tensorBoardScalars } from './tensorboard/scalars.js';
export { frameRecord, RECORD_OVERHEAD, readRecords } from './tensorboard/tfrecord.js';
export { SummaryWriter } from './tensorboard/writer.js';
