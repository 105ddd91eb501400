/**
 * The widths of IGCV3-D and of the MobileNetV2 baseline exactly as the official code computes
 * them (homles11/IGCV3: `symbols/igcv3.py`, `symbols/mobilenetv2.py`, `MNetV2Gen.genNet`),
 * including the quirks of its width multiplier.
 */

/** A net of the family: IGCV3-D or the repository's MobileNetV2 baseline. */
export type MobileFamily = 'igcv3' | 'mobilenetv2';

/** One IGCV3 or MobileNetV2 zoo net. */
export interface MobileConfig {
  family: MobileFamily;
  /** `cifar`: 32×32, stem and 24-channel stage at stride 1; `imagenet`: 224×224. */
  dataset: 'cifar' | 'imagenet';
  /** The width multiplier (the official `--multiplier`). */
  width: number;
}

/** One row (t, c, n, s) of the bottleneck table: expansion, channels, blocks, stride. */
export type StageRow = readonly [t: number, c: number, n: number, s: number];

/** IGCV3-D: MobileNetV2's table with twice the blocks per stage but the first and last. */
export const IGCV3_TABLE: readonly StageRow[] = [
  [1, 16, 1, 1],
  [6, 24, 4, 2],
  [6, 32, 6, 2],
  [6, 64, 8, 2],
  [6, 96, 6, 1],
  [6, 160, 6, 2],
  [6, 320, 1, 1],
];

/** MobileNetV2 (the repository's `mobilenetv2.py`). */
export const MOBILENETV2_TABLE: readonly StageRow[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Stem channels and head channels at width 1. */
const STEM = 32;
const HEAD = 1280;

/**
 * Python 2's `round` for x ≥ 0: halves go away from zero (round(2.5) = 3; Python 3 would give 2).
 * The official scripts are Python 2 (their compiled `common/*.pyc` sit beside the sources).
 */
export function py2Round(x: number): number {
  return Math.round(x);
}

/** One stage of a plan. */
export interface StagePlan {
  /** Expansion factor t. */
  t: number;
  /** Output channels (c after the multiplier). */
  channels: number;
  /** Blocks n. */
  blocks: number;
  /** Stride s of the first block (ImageNet; the CIFAR variant changes stage 2's to 1). */
  stride: number;
  /** Expanded channels of the first block: round(in_c · t) with the official `in_c`. */
  firstExpanded: number;
  /** Expanded channels of the other blocks: round(c · t). */
  expanded: number;
}

/** Every width of a net. */
export interface MobilePlan {
  stem: number;
  stages: StagePlan[];
  /** Channels of the last 1×1 conv, before the pool. */
  head: number;
}

/**
 * The widths the official `genNet` computes for a multiplier m.
 *
 * IGCV3 (`igcv3.py`): stem round(32m), made even; each stage's c = round(c·m), made even. A
 * stage's first block expands `in_c` by t, where `in_c` is the stem for the first stage and,
 * after each stage, round(c·m) of the stage's c — already multiplied, so m applies twice — and,
 * when that is odd, c + 1 (the stage's c, not in_c). With m = 1 this is the plain rule; with
 * m ≠ 1 the first block of stages 2–7 expands a width other than its input's (the quirk, kept:
 * the conv's real input is the previous stage's c, which MXNet infers from the data). The head
 * is 1280 for m ≤ 1 and int(1280m) + 1 above.
 *
 * MobileNetV2 (`mobilenetv2.py`): stem round(32m), c = round(c·m), `in_c` = round(c·m) of the
 * table's c (no quirk, no even fix), head 1280 for m ≤ 1 and int(1280m) above.
 */
export function mobilePlan(family: MobileFamily, m: number): MobilePlan {
  const igcv3 = family === 'igcv3';
  const even = (v: number): number => (igcv3 && v % 2 !== 0 ? v + 1 : v);
  const stem = even(py2Round(STEM * m));
  let inC = stem;
  const stages: StagePlan[] = [];
  for (const [t, c0, n, s] of igcv3 ? IGCV3_TABLE : MOBILENETV2_TABLE) {
    const c = even(py2Round(c0 * m));
    stages.push({
      t,
      channels: c,
      blocks: n,
      stride: s,
      firstExpanded: py2Round(inC * t),
      expanded: py2Round(c * t),
    });
    if (igcv3) {
      inC = py2Round(c * m);
      if (inC % 2 !== 0) inC = c + 1;
    } else {
      inC = py2Round(c0 * m);
    }
  }
  const scaled = Math.trunc(HEAD * m);
  const head = m > 1 ? (igcv3 && scaled !== 0 ? scaled + 1 : scaled) : HEAD;
  return { stem, stages, head };
}

/** Smallest and largest width multiplier a zoo name may give. */
export const MIN_WIDTH = 0.25;
export const MAX_WIDTH = 4;

/** `igcv3-cifar`, `igcv3-imagenet-w0.75`, `mobilenetv2-imagenet`… (width 1 is left out). */
export function mobileName(c: MobileConfig): string {
  return `${c.family}-${c.dataset}${c.width === 1 ? '' : `-w${c.width}`}`;
}

/** `IGCV3-D 0.75× (CIFAR)`, `MobileNetV2 1.0× (ImageNet)`. */
export function mobileTitle(c: MobileConfig): string {
  const w = Number.isInteger(c.width) ? c.width.toFixed(1) : String(c.width);
  const family = c.family === 'igcv3' ? 'IGCV3-D' : 'MobileNetV2';
  return `${family} ${w}× (${c.dataset === 'cifar' ? 'CIFAR' : 'ImageNet'})`;
}
