/**
 * `igc train --profile N`: one warm-up step (JIT, scratch buffers, pipeline compiles), then the
 * kernels of N training steps counted by `profile` of @igcnet/tensor, then the table; training
 * stops there and nothing is written.
 */
import { formatProfile, type Profile, type ProfileSession, startProfile } from '@igcnet/tensor';
import type { TrainEvent } from '@igcnet/trainer';

/** Steps run before the profiled ones. */
export const PROFILE_WARMUP_STEPS = 1;

/** Watches `fit`'s step events and profiles the steps after the warm-up. */
export class StepProfiler {
  private seen = 0;
  private session: ProfileSession | undefined;
  private stopped: Promise<Profile> | undefined;

  constructor(readonly steps: number) {}

  /** Steps `fit` must run in all (its `maxSteps`). */
  get totalSteps(): number {
    return PROFILE_WARMUP_STEPS + this.steps;
  }

  /** Feed every training event: a step event ends a step (the next one starts after it). */
  onEvent(e: TrainEvent): void {
    if (e.type !== 'step') return;
    this.seen++;
    if (this.seen === PROFILE_WARMUP_STEPS) this.session = startProfile();
    else if (this.seen === this.totalSteps) this.stopped = this.session?.stop();
  }

  /** The profile of the N steps; throws if training ended before they ran. */
  async result(): Promise<Profile> {
    if (!this.stopped) {
      if (this.session && !this.session.closed) await this.session.stop();
      throw new Error(
        `--profile ${this.steps}: training ended after ${this.seen} step(s), before the ${PROFILE_WARMUP_STEPS} warm-up and ${this.steps} profiled step(s) ran (more data, or a smaller --batch-size)`,
      );
    }
    return this.stopped;
  }
}

/** What `igc train --profile N` prints: a heading, then the per-step kernel table. */
export function profileReport(
  p: Profile,
  steps: number,
  batchSize: number,
  what: string,
  top = 25,
): string {
  const perStep = p.wallMs / steps;
  return [
    `igc train --profile ${steps}: ${what}; ${steps} step(s) after ${PROFILE_WARMUP_STEPS} warm-up step(s), ` +
      `${perStep.toFixed(1)} ms per step = ${((1000 * batchSize) / perStep).toFixed(1)} img/s (data loading and logging included)`,
    formatProfile(p, { steps, top }),
  ].join('\n');
}
