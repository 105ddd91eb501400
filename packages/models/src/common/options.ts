import type { BatchNorm2dOptions, InitMode, InitOptions } from '@igcnet/layers';
import { Random } from '@igcnet/tensor';

/** Options every zoo network accepts. */
export interface ModelOptions {
  /** Classifier outputs; defaults to 10 for CIFAR/SVHN nets and 1000 for ImageNet nets. */
  numClasses?: number;
  /** Input channels; defaults to 3. */
  inChannels?: number;
  /** Seed of the initialisation stream; the global stream when absent. */
  seed?: number;
  /**
   * `'official'` (default): He-normal convs, uniform FC, BN γ = 1, β = 0, as the official code.
   * `'zeros'`: all-zero weights, fast; for counting or before `loadStateDict`.
   */
  init?: InitMode;
  /**
   * IGCV3 and MobileNetV2 nets only: the dropout rate before the classifier (default 0.2 for the
   * CIFAR variants, none for ImageNet).
   */
  dropout?: number;
  /**
   * IGCV3 nets only: the permutation after each block's linear BN that the later official
   * igcv3.py has and the released model does not (default false, as the released model).
   */
  secondPermutation?: boolean;
}

/** The options after defaults. */
export interface ResolvedOptions {
  numClasses: number;
  inChannels: number;
  init: InitOptions;
}

/** Applies the defaults and turns the seed into one shared random stream. */
export function resolveOptions(opts: ModelOptions, defaultClasses: number): ResolvedOptions {
  const numClasses = opts.numClasses ?? defaultClasses;
  const inChannels = opts.inChannels ?? 3;
  for (const [k, v] of [
    ['numClasses', numClasses],
    ['inChannels', inChannels],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
  }
  const init: InitOptions = {
    init: opts.init ?? 'official',
    ...(opts.seed !== undefined ? { rng: new Random(opts.seed) } : {}),
  };
  return { numClasses, inChannels, init };
}

/** Official BN settings: eps 2e-5 everywhere (paper.md §1.3). */
export const BN_EPS = 2e-5;

/** BN of the CIFAR plain nets: MXNet momentum 0.99, i.e. PyTorch momentum 0.01. */
export const BN_PLAIN: BatchNorm2dOptions = { eps: BN_EPS, momentum: 0.01 };

/** BN of the residual CIFAR nets and every ImageNet net: MXNet 0.9, i.e. PyTorch 0.1. */
export const BN_RESIDUAL: BatchNorm2dOptions = { eps: BN_EPS, momentum: 0.1 };
