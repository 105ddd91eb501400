import { type CifarConfig, cifarName, cifarTitle } from '../cifar/config.js';
import { buildCifarPlain } from '../cifar/plain.js';
import { buildCifarResNet } from '../cifar/resnet.js';
import type { Network } from '../common/network.js';
import type { ModelOptions } from '../common/options.js';
import { type MobileConfig, mobileName, mobileTitle } from '../igcv3/config.js';
import { buildMobileNet } from '../igcv3/network.js';
import { buildImagenet, IMAGENET_CONFIGS } from '../imagenet/resnet18.js';
import { parseModelName } from './names.js';
import { type ReferenceNumbers, referenceFor } from './reference.js';
import { checkModelSize } from './size.js';

/** One network of the zoo. */
export interface ZooEntry {
  /** Zoo name, e.g. `igc-l24m2-ident-d20`. */
  name: string;
  /** The paper's name, e.g. `IGC-L24M2+Ident. (depth 20)`. */
  title: string;
  dataset: 'cifar' | 'imagenet';
  /** Per-sample input shape at which the reference MACs are given. */
  inputShape: [number, number, number];
  /** Default number of classes (10 for CIFAR-10/SVHN nets, 1000 for ImageNet). */
  numClasses: number;
  /** Reference numbers from paper.md, where it gives them. */
  reference?: ReferenceNumbers;
}

/** The CIFAR/SVHN families of paper.md §2.3 and the depths the zoo lists them at. */
const CIFAR_UNITS: readonly CifarConfig['unit'][] = [
  { kind: 'regular', width: 16 },
  { kind: 'regular', width: 18 },
  { kind: 'igc', L: 4, M: 8 },
  { kind: 'igc', L: 24, M: 2 },
  { kind: 'igc', L: 16, M: 32 },
  { kind: 'igc', L: 32, M: 26 },
];
const CIFAR_DEPTHS = [8, 20, 26, 38] as const;

function cifarEntry(config: CifarConfig): ZooEntry {
  const name = cifarName(config);
  const reference = referenceFor(name);
  return {
    name,
    title: cifarTitle(config),
    dataset: 'cifar',
    inputShape: [3, 32, 32],
    numClasses: 10,
    ...(reference ? { reference } : {}),
  };
}

/** The IGCV3 and MobileNetV2 nets the zoo lists (other widths parse too). */
const MOBILE_CONFIGS: readonly MobileConfig[] = [
  { family: 'igcv3', dataset: 'imagenet', width: 1 },
  { family: 'igcv3', dataset: 'imagenet', width: 0.75 },
  { family: 'igcv3', dataset: 'imagenet', width: 0.5 },
  { family: 'igcv3', dataset: 'cifar', width: 1 },
  { family: 'igcv3', dataset: 'cifar', width: 0.7 },
  { family: 'igcv3', dataset: 'cifar', width: 0.5 },
  { family: 'mobilenetv2', dataset: 'imagenet', width: 1 },
  { family: 'mobilenetv2', dataset: 'cifar', width: 1 },
];

function mobileEntry(config: MobileConfig): ZooEntry {
  const name = mobileName(config);
  const reference = referenceFor(name);
  const cifar = config.dataset === 'cifar';
  return {
    name,
    title: mobileTitle(config),
    dataset: config.dataset,
    inputShape: cifar ? [3, 32, 32] : [3, 224, 224],
    numClasses: cifar ? 10 : 1000,
    ...(reference ? { reference } : {}),
  };
}

/**
 * Every listed network: the 6 CIFAR/SVHN families, plain and +Ident., at depths 8, 20, 26 and 38
 * (all allowed by both depth rules), then the 5 ImageNet nets, then IGCV3-D and its MobileNetV2
 * baseline. Other CIFAR names and widths parse too (`createModel('igc-l8m4-d14')`,
 * `createModel('igcv3-cifar-w0.25')`); they are just not listed.
 */
export function listModels(): ZooEntry[] {
  const out: ZooEntry[] = [];
  for (const ident of [false, true]) {
    for (const unit of CIFAR_UNITS)
      for (const depth of CIFAR_DEPTHS) out.push(cifarEntry({ unit, ident, depth }));
  }
  for (const c of IMAGENET_CONFIGS) {
    const reference = referenceFor(c.name);
    out.push({
      name: c.name,
      title: c.title,
      dataset: 'imagenet',
      inputShape: [3, 224, 224],
      numClasses: 1000,
      ...(reference ? { reference } : {}),
    });
  }
  for (const c of MOBILE_CONFIGS) out.push(mobileEntry(c));
  return out;
}

/** The entry of any valid name (listed or not); throws on an unknown name. */
export function modelEntry(name: string): ZooEntry {
  const parsed = parseModelName(name);
  if (parsed.kind === 'cifar') return cifarEntry(parsed.config);
  if (parsed.kind === 'mobile') return mobileEntry(parsed.config);
  return listModels().find((e) => e.name === parsed.config.name)!;
}

/**
 * Builds a network by name, e.g. `createModel('igc-l24m2-ident-d20', { numClasses: 100 })`.
 * Weights follow the official initialisation unless `init: 'zeros'`. A name and options that
 * could exceed {@link MAX_MODEL_VALUES} are refused before anything is allocated.
 */
export function createModel(name: string, opts: ModelOptions = {}): Network {
  const parsed = parseModelName(name);
  // Refuses absurd sizes before the first tensor is allocated (see MAX_MODEL_VALUES).
  checkModelSize(
    name,
    parsed,
    opts.numClasses ?? (parsed.dataset === 'imagenet' ? 1000 : 10),
    opts.inChannels ?? 3,
  );
  if (parsed.kind === 'mobile') return buildMobileNet(parsed.config, opts);
  if (opts.dropout !== undefined || opts.secondPermutation !== undefined)
    throw new Error(
      `model '${name}': the options dropout and secondPermutation apply to IGCV3 and MobileNetV2 nets only`,
    );
  if (parsed.kind === 'imagenet') return buildImagenet(parsed.config, opts);
  return parsed.config.ident
    ? buildCifarResNet(parsed.config, opts)
    : buildCifarPlain(parsed.config, opts);
}
