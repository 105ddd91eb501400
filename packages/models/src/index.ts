/**
 * @igcnet/models: the IGCNet model zoo. Every CIFAR/SVHN and ImageNet network of the IGC paper
 * (paper.md §2) and IGCV3-D with its MobileNetV2 baseline (homles11/IGCV3) by name, built exactly
 * as the official code so parameter counts match, with reference numbers for reports.
 * @packageDocumentation
 */
export {
  baseWidth,
  type CifarConfig,
  cifarName,
  cifarTitle,
  unitsPerStage,
} from './cifar/config.js';
export { buildCifarPlain } from './cifar/plain.js';
export { buildCifarResNet } from './cifar/resnet.js';
export {
  Network,
  type NetworkHead,
  type NetworkSpec,
  Stage,
  type StageInfo,
} from './common/network.js';
export { BN_EPS, BN_PLAIN, BN_RESIDUAL, type ModelOptions } from './common/options.js';
export { ConvBnRelu, type UnitKind, type UnitSettings, unit } from './common/units.js';
export {
  IGCV3_TABLE,
  MAX_WIDTH,
  MIN_WIDTH,
  MOBILENETV2_TABLE,
  type MobileConfig,
  type MobileFamily,
  type MobilePlan,
  mobileName,
  mobilePlan,
  mobileTitle,
  py2Round,
  type StagePlan,
  type StageRow,
} from './igcv3/config.js';
export { BN_MOBILE, buildMobileNet, CIFAR_DROPOUT } from './igcv3/network.js';
export { buildImagenet, IMAGENET_CONFIGS, type ImagenetConfig } from './imagenet/resnet18.js';
export {
  type CheckpointModel,
  modelFromCheckpointMeta,
  type StoredModelMeta,
  type StoredShapes,
} from './zoo/checkpoint-config.js';
export { describeModel, type ModelReport } from './zoo/describe.js';
export { NAME_GRAMMAR, type ParsedName, parseModelName } from './zoo/names.js';
export {
  formatLike,
  matchesReference,
  type PaperImagenetRow,
  type Quantity,
  type ReferenceNumbers,
  type ReportedResult,
  referenceFor,
  referenceNames,
} from './zoo/reference.js';
export { createModel, listModels, modelEntry, type ZooEntry } from './zoo/registry.js';
export {
  checkModelSize,
  MAX_MODEL_VALUES,
  modelValuesBound,
  type ZooShape,
  zooShape,
} from './zoo/size.js';
