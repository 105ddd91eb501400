/**
 * @igcnet/trainer/node: the parts of the trainer that need Node's file system: checkpoints on
 * disk, run folders for `fit`, atomic writes, metrics files, evaluation reports, TensorBoard
 * event files and HTML reports. Everything else, browser-clean, is in `@igcnet/trainer`.
 *
 * ```ts
 * import { fit } from '@igcnet/trainer';
 * import { folderStore, loadCheckpoint } from '@igcnet/trainer/node';
 * await fit({ ...options, store: folderStore('runs/my-run') });
 * ```
 * @packageDocumentation
 */
export { loadCheckpoint, saveCheckpoint } from './checkpoint/checkpoint_file.js';
export { writeFileAtomic } from './io/atomic.js';
export { CHECKPOINT_FILE, folderStore, METRICS_FILE } from './loop/folder_store.js';
export { readEvalReport, writeEvalReport } from './report/eval_report_file.js';
export { type ReportOptions, type ReportRun, renderReport } from './report/html.js';
export { readMetrics, readMetricsLines, readRunMetrics } from './report/metrics.js';
export { crc32c, maskCrc, maskedCrc32c } from './tensorboard/crc32c.js';
export {
  decodeEvent,
  encodeEvent,
  FILE_VERSION,
  fileVersionEvent,
  scalarEvent,
  type TbEvent,
} from './tensorboard/proto.js';
export { frameRecord, RECORD_OVERHEAD, readRecords } from './tensorboard/tfrecord.js';
export { SummaryWriter } from './tensorboard/writer.js';
