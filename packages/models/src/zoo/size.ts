import { baseWidth, type CifarConfig, unitsPerStage } from '../cifar/config.js';
import { type MobileConfig, mobilePlan } from '../igcv3/config.js';
import type { ImagenetConfig } from '../imagenet/resnet18.js';
import type { ParsedName } from './names.js';

/**
 * The most values (weights, biases, BN statistics) a zoo model may hold: 250 million, 1 GB of
 * float32 (3 GB while training, with gradients and momentum). The largest zoo network,
 * IGC-L32M26+Ident. (depth 38), bounds at 50.1 million, ImageNet ResNet-18 at 11.7 million, so
 * the limit leaves a 5× margin for wider nets and bigger heads. Anything
 * past the limit is a typing mistake (`regconv-w100000-d20`) or a hostile checkpoint
 * (`numClasses: 2000000000`), refused before a single tensor is allocated.
 */
export const MAX_MODEL_VALUES = 250_000_000;

/** Widths a model name fixes, known before it is built. */
export interface ZooShape {
  /** Output channels of the stem convolution. */
  stemWidth: number;
  /** Features into the classifier (the last stage's width). */
  features: number;
}

/** The stem and classifier widths a parsed name implies. */
export function zooShape(parsed: ParsedName): ZooShape {
  if (parsed.kind === 'mobile') {
    const plan = mobilePlan(parsed.config.family, parsed.config.width);
    return { stemWidth: plan.stem, features: plan.head };
  }
  if (parsed.kind === 'imagenet') {
    return { stemWidth: parsed.config.stemWidth, features: parsed.config.widths[3] };
  }
  const c0 = baseWidth(parsed.config);
  return { stemWidth: c0, features: 4 * c0 };
}

/**
 * Values of one 3×3 unit from `cin` to `cout` channels, or more (never fewer): a dense conv, or
 * for an IGC its primary group conv (L groups) plus its secondary 1×1 conv, whose partitions
 * hold L channels (Cout/L of them), or 2L in a down-sampling unit (Cin/L of them).
 */
function unitBound(cin: number, cout: number, L: number | undefined): number {
  if (L === undefined) return 9 * cin * cout;
  return (9 * cin * cout) / L + (cout * cout * L) / Math.min(cin, cout);
}

/** A 1×1 projection shortcut: dense, or with L groups in an IGC net. */
const projection = (cin: number, cout: number, L: number | undefined) => (cin * cout) / (L ?? 1);

/** BN's γ, β, running mean and variance. */
const bn = (c: number) => 4 * c;

function cifarBound(config: CifarConfig, inChannels: number): number {
  const c0 = baseWidth(config);
  const n = unitsPerStage(config.depth, config.ident);
  const L = config.unit.kind === 'igc' ? config.unit.L : undefined;
  let total = 9 * inChannels * c0 + bn(c0);
  for (let s = 0; s < 3; s++) {
    const w = c0 * 2 ** s;
    const cin = s === 0 ? c0 : w / 2;
    if (config.ident) {
      // n blocks of two units; the first may project its shortcut.
      const first =
        unitBound(cin, w, L) + unitBound(w, w, L) + 2 * bn(w) + projection(cin, w, L) + bn(w);
      total += first + (n - 1) * (2 * unitBound(w, w, L) + 2 * bn(w));
    } else {
      total += unitBound(cin, w, L) + bn(w) + (n - 1) * (unitBound(w, w, L) + bn(w));
    }
  }
  return total;
}

function imagenetBound(config: ImagenetConfig, inChannels: number): number {
  let total = 49 * inChannels * config.stemWidth + bn(config.stemWidth);
  let cin = config.stemWidth;
  config.widths.forEach((w, s) => {
    const L = config.partitions?.[s];
    total += unitBound(cin, w, L) + unitBound(w, w, L) + 2 * bn(w) + projection(cin, w, L) + bn(w);
    total += 2 * unitBound(w, w, L) + 2 * bn(w);
    cin = w;
  });
  return total;
}

/**
 * IGCV3 and MobileNetV2 (inverted residual blocks), counted exactly from the official width plan:
 * the 1×1 expansion and projection (2 groups in IGCV3), the depthwise 3×3, BN after each conv,
 * the stem and the head; plus a few values for dropout's random key.
 */
function mobileBound(config: MobileConfig, inChannels: number): number {
  const plan = mobilePlan(config.family, config.width);
  const groups = config.family === 'igcv3' ? 2 : 1;
  let total = 9 * inChannels * plan.stem + bn(plan.stem);
  let cin = plan.stem;
  for (const stage of plan.stages) {
    for (let b = 0; b < stage.blocks; b++) {
      const e = b === 0 ? stage.firstExpanded : stage.expanded;
      const c = stage.channels;
      total += (cin * e) / groups + bn(e) + 9 * e + bn(e) + (e * c) / groups + bn(c);
      cin = c;
    }
  }
  return total + cin * plan.head + bn(plan.head) + 16;
}

/**
 * An upper bound on the values of a zoo model, computed from its name and options alone, in
 * closed form (a depth of 10⁹ costs nothing to bound): every 3×3 unit counted as at least as
 * big as it is, plus BN and the classifier.
 */
export function modelValuesBound(
  parsed: ParsedName,
  numClasses: number,
  inChannels: number,
): number {
  const body =
    parsed.kind === 'mobile'
      ? mobileBound(parsed.config, inChannels)
      : parsed.kind === 'imagenet'
        ? imagenetBound(parsed.config, inChannels)
        : cifarBound(parsed.config, inChannels);
  return body + zooShape(parsed).features * numClasses + numClasses;
}

/**
 * Throws, before anything is allocated, when a model of this name and options could exceed
 * {@link MAX_MODEL_VALUES}. The message names what makes it big.
 */
export function checkModelSize(
  name: string,
  parsed: ParsedName,
  numClasses: number,
  inChannels: number,
): void {
  const bound = modelValuesBound(parsed, numClasses, inChannels);
  if (bound <= MAX_MODEL_VALUES) return;
  const { stemWidth } = zooShape(parsed);
  const depth = parsed.kind === 'cifar' ? `, depth ${parsed.config.depth}` : '';
  throw new RangeError(
    `model '${name}' (stem width ${stemWidth}${depth}, ${numClasses} classes, ${inChannels} input channels) ` +
      `would hold up to ${bound.toExponential(2)} values, over the limit of ${MAX_MODEL_VALUES.toLocaleString('en-US')} ` +
      '(1 GB of float32 weights); check the name, numClasses and inChannels',
  );
}
