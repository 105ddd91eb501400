import type { Rng } from '../random/prng.js';
import type { ImageShape } from '../types.js';

/** A CHW float image. Values are 0–255 until normalised. */
export interface FloatImage {
  readonly data: Float32Array;
  readonly shape: ImageShape;
}

/**
 * A seeded per-sample transform. It may change `img.data` in place (the loader hands each
 * transform an image it owns) and must draw randomness only from `rng`, in a fixed order, so
 * that results depend only on the seed.
 */
export type Transform = (img: FloatImage, rng: Rng) => FloatImage;

/** Applies transforms left to right. */
export function compose(...transforms: Transform[]): Transform {
  return (img, rng) => transforms.reduce((acc, t) => t(acc, rng), img);
}
