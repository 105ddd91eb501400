import { createRng } from '../random/prng.js';
import {
  checkHslJitterRange,
  drawHslOffsets,
  type HslJitterRange,
  type HslOffsets,
  PAPER_HSL_JITTER,
} from './hsl-jitter.js';

/**
 * How a JPEG becomes a fixed-size square at decode time, colour jitter included. Plans are
 * plain data so they can be posted to decode workers; the random draws come from a per-sample
 * seed, so the same seed gives the same crop and colours in any worker.
 */
export type CropPlan = ScaleAspectCropPlan | CenterCropPlan;

/**
 * Training crop (paper §4.2): random short side, aspect-ratio jitter, random square, mirror,
 * then HSL colour jitter on the 8-bit crop.
 */
export interface ScaleAspectCropPlan {
  readonly kind: 'scale-aspect';
  /** Output side in pixels. */
  readonly size: number;
  /** The short side is resized to a uniform draw from [min, max]. */
  readonly shortSide: readonly [number, number];
  /** Width/height are stretched by √a and 1/√a, a uniform in [1-j, 1+j]. */
  readonly aspectJitter: number;
  /** Mirror with probability 1/2. */
  readonly flip: boolean;
  /**
   * HSL jitter of the cropped bytes, as MXNet's default augmenter (see `applyHslJitter`), or
   * `false` for none. Absent means none too, for plans built before the jitter existed.
   */
  readonly hslJitter?: HslJitterRange | false;
}

/** Test crop (paper §4.2): resize the short side, take the centre square. */
export interface CenterCropPlan {
  readonly kind: 'center';
  readonly size: number;
  /** Short side before cropping. */
  readonly resize: number;
}

/**
 * The ImageNet training crop; defaults are the paper's: 224 from short side 256–480, aspect
 * ±0.25, mirror, and HSL jitter H ±36, S ±50, L ±50 (`hslJitter: false` turns it off,
 * `{ h, s, l }` sets other half-widths).
 */
export function scaleAspectCrop(
  options: Partial<Omit<ScaleAspectCropPlan, 'kind'>> = {},
): ScaleAspectCropPlan {
  const hslJitter = options.hslJitter ?? PAPER_HSL_JITTER;
  if (hslJitter !== false) checkHslJitterRange(hslJitter);
  return {
    kind: 'scale-aspect',
    size: options.size ?? 224,
    shortSide: options.shortSide ?? [256, 480],
    aspectJitter: options.aspectJitter ?? 0.25,
    flip: options.flip ?? true,
    // A copy: the plan is posted to workers and must not change under them.
    hslJitter: hslJitter === false ? false : { h: hslJitter.h, s: hslJitter.s, l: hslJitter.l },
  };
}

/** The ImageNet test crop; defaults are the paper's: short side 256, centre 224. */
export function centerCrop(options: Partial<Omit<CenterCropPlan, 'kind'>> = {}): CenterCropPlan {
  return { kind: 'center', size: options.size ?? 224, resize: options.resize ?? 256 };
}

/** Where to resize and cut, for an image of a given size. */
export interface CropGeometry {
  readonly resizeWidth: number;
  readonly resizeHeight: number;
  readonly left: number;
  readonly top: number;
  readonly size: number;
  readonly flip: boolean;
  /** Offsets for `applyHslJitter` after the crop, or `null` to leave the colours alone. */
  readonly hsl: HslOffsets | null;
}

/** Computes the resize and crop for a `width`×`height` image; pure and deterministic. */
export function planCrop(
  plan: CropPlan,
  width: number,
  height: number,
  seed: number,
): CropGeometry {
  const short = Math.min(width, height);
  const size = plan.size;
  if (plan.kind === 'center') {
    const s = plan.resize / short;
    const rw = Math.max(size, Math.round(width * s));
    const rh = Math.max(size, Math.round(height * s));
    return {
      resizeWidth: rw,
      resizeHeight: rh,
      left: Math.floor((rw - size) / 2),
      top: Math.floor((rh - size) / 2),
      size,
      flip: false,
      hsl: null,
    };
  }
  const rng = createRng(seed);
  const target = rng.uniform(plan.shortSide[0], plan.shortSide[1]);
  const aspect = rng.uniform(1 - plan.aspectJitter, 1 + plan.aspectJitter);
  const s = target / short;
  const rw = Math.max(size, Math.round(width * s * Math.sqrt(aspect)));
  const rh = Math.max(size, Math.round((height * s) / Math.sqrt(aspect)));
  const left = rng.int(rw - size + 1);
  const top = rng.int(rh - size + 1);
  const flip = plan.flip && rng.float() < 0.5;
  // Drawn last, so that turning the jitter on or off leaves every crop where it was.
  const hsl = plan.hslJitter ? drawHslOffsets(plan.hslJitter, rng) : null;
  return { resizeWidth: rw, resizeHeight: rh, left, top, size, flip, hsl };
}
