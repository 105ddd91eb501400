import type { CifarConfig } from '../cifar/config.js';
import { unitsPerStage } from '../cifar/config.js';
import { MAX_WIDTH, MIN_WIDTH, type MobileConfig } from '../igcv3/config.js';
import { IMAGENET_CONFIGS, type ImagenetConfig } from '../imagenet/resnet18.js';

/** A parsed model name: `kind` tells the builder, `dataset` the input size. */
export type ParsedName =
  | { kind: 'cifar'; dataset: 'cifar'; config: CifarConfig }
  | { kind: 'imagenet'; dataset: 'imagenet'; config: ImagenetConfig }
  | { kind: 'mobile'; dataset: 'cifar' | 'imagenet'; config: MobileConfig };

const IGC = /^igc-l(\d+)m(\d+)(-ident)?-d(\d+)$/;
const REGCONV = /^regconv-w(\d+)(-ident)?-d(\d+)$/;
const MOBILE = /^(igcv3|mobilenetv2)-(cifar|imagenet)(?:-w(\d+(?:\.\d+)?))?$/;

/** The grammar, for error messages and `igc models`. */
export const NAME_GRAMMAR = [
  'igc-l{L}m{M}[-ident]-d{depth}     CIFAR/SVHN IGC net, e.g. igc-l24m2-d20, igc-l24m2-ident-d38',
  'regconv-w{W}[-ident]-d{depth}     CIFAR/SVHN regular-conv net, e.g. regconv-w18-ident-d20',
  `${IMAGENET_CONFIGS.map((c) => c.name).join(', ')}     ImageNet nets`,
  `igcv3-{cifar|imagenet}[-w{m}]     IGCV3-D, width multiplier m in [${MIN_WIDTH}, ${MAX_WIDTH}] (default 1), e.g. igcv3-imagenet-w0.75`,
  "mobilenetv2-{cifar|imagenet}[-w{m}]     the IGCV3 repository's MobileNetV2 baseline",
].join('\n');

function parseMobile(name: string, m: RegExpExecArray): ParsedName {
  const text = m[3];
  const width = text === undefined ? 1 : Number(text);
  if (text !== undefined && (text.split('.')[1] ?? '').length > 3)
    throw new Error(`model '${name}': give the width multiplier with at most 3 decimals`);
  if (!(width >= MIN_WIDTH && width <= MAX_WIDTH))
    throw new Error(
      `model '${name}': the width multiplier must be in [${MIN_WIDTH}, ${MAX_WIDTH}], got ${text}`,
    );
  const dataset = m[2] as 'cifar' | 'imagenet';
  return {
    kind: 'mobile',
    dataset,
    config: { family: m[1] as MobileConfig['family'], dataset, width },
  };
}

/**
 * Parses a zoo name (case-insensitive): `igc-l{L}m{M}[-ident]-d{depth}`,
 * `regconv-w{W}[-ident]-d{depth}`, one of the ImageNet names, or
 * `{igcv3|mobilenetv2}-{cifar|imagenet}[-w{m}]`. Checks the depth rule (3B + 2 plain, 6n + 2
 * +Ident.) and the width multiplier's range. Throws with the grammar on anything else.
 */
export function parseModelName(name: string): ParsedName {
  const n = name.trim().toLowerCase();
  const imagenet = IMAGENET_CONFIGS.find((c) => c.name === n);
  if (imagenet) return { kind: 'imagenet', dataset: 'imagenet', config: imagenet };
  const mobile = MOBILE.exec(n);
  if (mobile) return parseMobile(name, mobile);
  let config: CifarConfig | undefined;
  const igc = IGC.exec(n);
  if (igc) {
    config = {
      unit: { kind: 'igc', L: Number(igc[1]), M: Number(igc[2]) },
      ident: igc[3] !== undefined,
      depth: Number(igc[4]),
    };
  }
  const reg = REGCONV.exec(n);
  if (reg)
    config = {
      unit: { kind: 'regular', width: Number(reg[1]) },
      ident: reg[2] !== undefined,
      depth: Number(reg[3]),
    };
  if (!config) throw new Error(`unknown model '${name}'. Names:\n${NAME_GRAMMAR}`);
  const u = config.unit;
  const sizes = u.kind === 'igc' ? [u.L, u.M] : [u.width];
  if (sizes.some((v) => v < 1)) throw new Error(`model '${name}': L, M and W must be at least 1`);
  try {
    unitsPerStage(config.depth, config.ident);
  } catch (e) {
    throw new Error(`model '${name}': ${(e as Error).message}`);
  }
  return { kind: 'cifar', dataset: 'cifar', config };
}
