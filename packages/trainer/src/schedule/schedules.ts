/** A learning rate for each optimisation step (0-based iteration count). */
export interface LrSchedule {
  lrAt(step: number): number;
  /** A short description for logs and reports. */
  readonly description: string;
}

/** Multiplies `base` by `gamma` at each milestone step (MXNet's MultiFactorScheduler). */
export function multiStep(base: number, milestones: readonly number[], gamma = 0.1): LrSchedule {
  const sorted = [...milestones].sort((a, b) => a - b);
  return {
    description: `multistep(${base}, ×${gamma} at steps ${sorted.join(', ')})`,
    lrAt(step) {
      let lr = base;
      for (const m of sorted) if (step >= m) lr *= gamma;
      return lr;
    },
  };
}

/**
 * The paper's CIFAR/SVHN schedule: ×0.1 at 1/2, 3/4 and 7/8 of training, counted in iterations
 * with epoch_size = ⌊examples / batch⌋, as the official scripts. The official code places the
 * drops on epoch boundaries; counting in steps gives the same steps whenever the epoch count is a
 * multiple of 8 (400 for CIFAR, 40 for SVHN) and still drops within a run of a single epoch.
 */
export function paperSchedule(base: number, epochs: number, stepsPerEpoch: number): LrSchedule {
  const total = epochs * stepsPerEpoch;
  const at = [0.5, 0.75, 0.875].map((f) => Math.floor(f * total)).filter((s) => s > 0);
  return multiStep(base, [...new Set(at)], 0.1);
}

/** ×gamma every `every` epochs (the paper's ImageNet schedule uses every = 30). */
export function stepEvery(
  base: number,
  every: number,
  epochs: number,
  stepsPerEpoch: number,
  gamma = 0.1,
): LrSchedule {
  const milestones: number[] = [];
  for (let e = every; e < epochs; e += every) milestones.push(e * stepsPerEpoch);
  return multiStep(base, milestones, gamma);
}

/** Cosine annealing from `base` to `min` over `totalSteps`. */
export function cosine(base: number, totalSteps: number, min = 0): LrSchedule {
  return {
    description: `cosine(${base} → ${min} over ${totalSteps} steps)`,
    lrAt(step) {
      const t = Math.min(Math.max(step / Math.max(totalSteps, 1), 0), 1);
      return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
    },
  };
}

/** A constant rate. */
export function constant(lr: number): LrSchedule {
  return { description: `constant(${lr})`, lrAt: () => lr };
}

/** Linear warm-up from `startFactor`·lr to the wrapped schedule over `steps` steps. */
export function warmup(inner: LrSchedule, steps: number, startFactor = 0.1): LrSchedule {
  return {
    description: `warmup(${steps} steps from ×${startFactor}) then ${inner.description}`,
    lrAt(step) {
      const lr = inner.lrAt(step);
      if (step >= steps || steps <= 0) return lr;
      return lr * (startFactor + ((1 - startFactor) * step) / steps);
    },
  };
}
