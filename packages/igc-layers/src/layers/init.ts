import type { Random } from '@igcnet/tensor';

/**
 * How a layer fills its weights.
 * - `'official'`: as the official IGC code: He-normal convs (fan_in = Cin/groups·k²), uniform
 *   FC weights U(±√(1/fan_in)) and zero FC bias, BN γ = 1 and β = 0.
 * - `'zeros'`: every weight zero. Cheap; for counting, shape analysis, or before
 *   `loadStateDict`.
 */
export type InitMode = 'official' | 'zeros';

/** Initialisation options shared by every layer with weights. */
export interface InitOptions {
  /** Defaults to `'official'`. */
  init?: InitMode;
  /** The random stream to draw from; the global stream when absent. Seed it for reproducibility. */
  rng?: Random;
}
