/**
 * @igcnet/onnx: exports igcnet models as standard ONNX graphs (opset 17, IR 8) with a dynamic
 * batch size (optionally a dynamic height and width too), named input `input` and output
 * `logits`, and metadata (model, dataset, normalisation), verified against onnxruntime.
 * @packageDocumentation
 */
export {
  type CheckpointExportOptions,
  type CheckpointExportResult,
  exportCheckpointToOnnx,
} from './checkpoint.js';
export {
  BATCH_DIM,
  buildOnnxModel,
  type ChannelStats,
  type ExportOptions,
  exportOnnx,
  HEIGHT_DIM,
  INPUT_NAME,
  inputDims,
  OUTPUT_NAME,
  WIDTH_DIM,
} from './export.js';
export { DEFAULT_OPSET, IR_VERSION } from './proto.js';
export { writeOnnx } from './write.js';
