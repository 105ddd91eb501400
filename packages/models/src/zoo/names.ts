import type { CifarConfig } from '../cifar/config.js';
import { unitsPerStage } from '../cifar/config.js';
import { IMAGENET_CONFIGS, type ImagenetConfig } from '../imagenet/resnet18.js';

/** A parsed model name. */
export type ParsedName =
  | { dataset: 'cifar'; config: CifarConfig }
  | { dataset: 'imagenet'; config: ImagenetConfig };

const IGC = /^igc-l(\d+)m(\d+)(-ident)?-d(\d+)$/;
const REGCONV = /^regconv-w(\d+)(-ident)?-d(\d+)$/;

/** The grammar, for error messages and `igc models`. */
export const NAME_GRAMMAR = [
  'igc-l{L}m{M}[-ident]-d{depth}     CIFAR/SVHN IGC net, e.g. igc-l24m2-d20, igc-l24m2-ident-d38',
  'regconv-w{W}[-ident]-d{depth}     CIFAR/SVHN regular-conv net, e.g. regconv-w18-ident-d20',
  `${IMAGENET_CONFIGS.map((c) => c.name).join(', ')}     ImageNet nets`,
].join('\n');

/**
 * Parses a zoo name (case-insensitive): `igc-l{L}m{M}[-ident]-d{depth}`,
 * `regconv-w{W}[-ident]-d{depth}`, or one of the ImageNet names. Checks the depth rule (3B + 2
 * plain, 6n + 2 +Ident.). Throws with the grammar on anything else.
 */
export function parseModelName(name: string): ParsedName {
  const n = name.trim().toLowerCase();
  const imagenet = IMAGENET_CONFIGS.find((c) => c.name === n);
  if (imagenet) return { dataset: 'imagenet', config: imagenet };
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
  return { dataset: 'cifar', config };
}
