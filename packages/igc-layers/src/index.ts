/**
 * @igcnet/layers: PyTorch-style modules, the interleaved group convolution (IGC) block with its
 * special cases, and a parameter / multiply-add analyzer.
 * @packageDocumentation
 */

// Analyzer.
export {
  type IgcChoice,
  type Igcv2Choice,
  igcParams,
  igcv2Choices,
  igcv2GroupSizes,
  igcv2Params,
  igcWidthAtBudget,
  isWiderThanRegular,
  optimalIgcAtBudget,
  regularConvParams,
  regularWidthAtBudget,
  widestIgcAtBudget,
} from './analyzer/budget.js';
export { type LayerRow, type ModelSummary, summarize } from './analyzer/summary.js';
export { type FormatSummaryOptions, fmtCount, formatSummary } from './analyzer/table.js';
export { layersFlags } from './flags.js';
// IGC.
export { IGCConv, type IGCConvOptions } from './igc/igc_conv.js';
export { IGCV2Conv, type IGCV2ConvOptions, igcv2DenseWeight } from './igc/igcv2_conv.js';
export { Interleave, interleaveDestination, interleaveSource } from './igc/interleave.js';
export { PrimaryGroupConv, type PrimaryGroupConvOptions } from './igc/primary.js';
export { SecondaryGroupConv, type SecondaryGroupConvOptions } from './igc/secondary.js';
export {
  denseEquivalentConv,
  denseEquivalentWeight,
  regularConvIGC,
  type SpecialCaseOptions,
  summationFusionIGC,
  xceptionDirect,
  xceptionIGC,
} from './igc/special_cases.js';
// IGCV3 and MobileNetV2.
export {
  InvertedResidual,
  type InvertedResidualOptions,
  igcv3Block,
  type MobileBlockOptions,
  mobileNetV2Block,
} from './igcv3/inverted_residual.js';
// Layers.
export {
  BatchNorm2d,
  type BatchNorm2dOptions,
  convertSyncBatchNorm,
} from './layers/batchnorm2d.js';
export { Conv2d, type Conv2dOptions, fmtPair } from './layers/conv2d.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export {
  type ConvEpilogue,
  type FusableConv,
  fusableBn,
  inferenceBn,
  isFusableConv,
  isRelu,
} from './layers/fusion.js';
export { paddingOf, pairOf, windowOutput } from './layers/geometry.js';
export type { InitMode, InitOptions } from './layers/init.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { AvgPool2d, GlobalAvgPool, MaxPool2d, type Pool2dOptions } from './layers/pool.js';
export { ReLU, ReLU6 } from './layers/relu.js';
export {
  BasicBlock,
  type BasicBlockParts,
  Projection,
  type ProjectionOptions,
} from './layers/residual.js';
export { Sequential } from './layers/sequential.js';
export {
  type StatsReducer,
  type SyncBatchNormOptions,
  syncBatchNorm,
} from './layers/sync_batchnorm.js';
// Module system.
export {
  chw,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type StateDict,
  type TraceVisitor,
} from './module/module.js';
