import { fmtShape } from '@igcnet/tensor';
import { type ParsedName, parseModelName } from './names.js';
import { checkModelSize, zooShape } from './size.js';

/** What a checkpoint says about its model: the zoo name and the options it was built with. */
export interface StoredModelMeta {
  readonly model: unknown;
  readonly config: Readonly<Record<string, unknown>>;
}

/** The shapes of the tensors a checkpoint stores, by parameter name (`fc.weight`, …). */
export type StoredShapes = ReadonlyMap<string, { readonly shape: readonly number[] }>;

/** The model a checkpoint may be rebuilt as, after {@link modelFromCheckpointMeta}'s checks. */
export interface CheckpointModel {
  readonly name: string;
  readonly parsed: ParsedName;
  readonly numClasses: number;
  readonly inChannels: number;
}

/** The classifier and the stem convolution every zoo network has. */
const CLASSIFIER = 'fc.weight';
const STEM = 'stem.conv.weight';

/**
 * Checks a checkpoint's metadata against the tensors it actually stores, before any model is
 * built: the name must parse, `config.numClasses` and `config.inChannels` must be positive
 * integers that match the stored classifier (`fc.weight` [classes, features]) and stem
 * (`stem.conv.weight` [width, channels, k, k]), the name's stem and classifier widths must match
 * those shapes too, and the model must fit {@link MAX_MODEL_VALUES}. Every error is one line
 * that names `source` and the metadata key that is wrong.
 */
export function modelFromCheckpointMeta(
  source: string,
  meta: StoredModelMeta,
  stored: StoredShapes,
): CheckpointModel {
  const fail = (key: string, problem: string): never => {
    throw new Error(`${source}: checkpoint metadata '${key}' ${problem}`);
  };
  if (typeof meta.model !== 'string' || meta.model === '') fail('model', 'must be a zoo name');
  const name = meta.model as string;
  let parsed: ParsedName;
  try {
    parsed = parseModelName(name);
  } catch (e) {
    // The grammar follows on later lines; the first says what is wrong.
    return fail('model', `is not a zoo model: ${(e as Error).message.split('\n')[0]}`);
  }
  const count = (key: 'numClasses' | 'inChannels', fallback: number): number => {
    const v = meta.config[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      fail(`config.${key}`, `must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const numClasses = count('numClasses', parsed.dataset === 'imagenet' ? 1000 : 10);
  const inChannels = count('inChannels', 3);
  const { stemWidth, features } = zooShape(parsed);

  const fc = stored.get(CLASSIFIER)?.shape;
  if (fc !== undefined && fc.length === 2) {
    if (fc[0] !== numClasses)
      fail(
        'config.numClasses',
        `is ${numClasses} but the stored classifier ${CLASSIFIER} is ${fmtShape(fc)}: expected ${fc[0]}`,
      );
    if (fc[1] !== features)
      fail(
        'model',
        `'${name}' has ${features} classifier features but the stored ${CLASSIFIER} is ${fmtShape(fc)}: the name does not match the tensors`,
      );
  }
  const stem = stored.get(STEM)?.shape;
  if (stem !== undefined && stem.length === 4) {
    if (stem[1] !== inChannels)
      fail(
        'config.inChannels',
        `is ${inChannels} but the stored stem convolution ${STEM} is ${fmtShape(stem)}: expected ${stem[1]}`,
      );
    if (stem[0] !== stemWidth)
      fail(
        'model',
        `'${name}' has stem width ${stemWidth} but the stored ${STEM} is ${fmtShape(stem)}: the name does not match the tensors`,
      );
  }
  try {
    checkModelSize(name, parsed, numClasses, inChannels);
  } catch (e) {
    fail('model', (e as Error).message);
  }
  return { name, parsed, numClasses, inChannels };
}
