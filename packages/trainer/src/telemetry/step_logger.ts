import type { Communicator } from '../distributed/communicator.js';
import type { LogEvent } from '../loop/events.js';
import { StepStats, type StepTensors } from './step_stats.js';

/** Step lines per epoch that the default interval aims for, at least. */
export const LOG_POINTS_PER_EPOCH = 50;

/** The default `logEvery`: as many steps as give an epoch at least ~50 step lines. */
export function defaultLogEvery(stepsPerEpoch: number): number {
  return Math.max(1, Math.floor(stepsPerEpoch / LOG_POINTS_PER_EPOCH));
}

/**
 * Turns steps into step lines: every `every` steps (and at the end of each epoch) it reads the
 * device-side sums of {@link StepStats} back and makes a {@link LogEvent}. Windows never span
 * epochs, so a resumed run logs the same lines; a remainder shorter than `every` at the end of an
 * epoch joins the window before it instead of standing alone. `every` 0 turns step lines off.
 */
export class StepLogger {
  private readonly stats = new StepStats();
  private epochStart = performance.now();
  private windowStart = this.epochStart;

  /**
   * With `comm` (data-parallel training) every rank keeps its own sums and a window's figures are
   * summed over the ranks when it closes, so the line covers the global batches.
   */
  constructor(
    readonly every: number,
    private readonly stepsPerEpoch: number,
    private readonly comm?: Communicator,
  ) {
    if (!Number.isInteger(every) || every < 0)
      throw new Error(`logEvery must be a non-negative integer, got ${every}`);
  }

  /** Starts an epoch's timing. */
  startEpoch(): void {
    this.epochStart = performance.now();
    this.windowStart = this.epochStart;
  }

  /** Queues one step's figures on the device (no read). */
  add(s: StepTensors): void {
    if (this.every > 0) this.stats.add(s);
  }

  /**
   * Called after step `step` of the epoch (from 0); returns the step line when a window closes.
   * `globalStep` counts the steps done, this one included.
   */
  async afterStep(step: number, globalStep: number, lr: number): Promise<LogEvent | undefined> {
    if (this.every === 0 || this.stats.pending < this.every) return undefined;
    const left = this.stepsPerEpoch - step - 1;
    if (left > 0 && left < this.every) return undefined;
    return this.emit(globalStep, lr);
  }

  /** Closes the epoch's last window, if it holds steps. */
  async endEpoch(globalStep: number, lr: number): Promise<LogEvent | undefined> {
    return this.stats.pending > 0 ? this.emit(globalStep, lr) : undefined;
  }

  private async emit(globalStep: number, lr: number): Promise<LogEvent> {
    const w = await this.stats.read();
    if (this.comm && this.comm.size > 1) {
      // The gradients were summed before they reached the stats: their norm is global already.
      const sums = Float64Array.of(w.loss * w.images, w.top1Error * w.images, w.images);
      this.comm.allreduce(sums, 'sum');
      w.images = sums[2]!;
      w.loss = sums[0]! / w.images;
      w.top1Error = sums[1]! / w.images;
    }
    const now = performance.now();
    const ev: LogEvent = {
      type: 'log',
      step: globalStep,
      epoch: globalStep / this.stepsPerEpoch,
      trainLoss: w.loss,
      trainTop1Error: w.top1Error,
      lr,
      gradNorm: w.gradNorm,
      imagesPerSec: w.images / Math.max((now - this.windowStart) / 1000, 1e-9),
      steps: w.steps,
      images: w.images,
      seconds: (now - this.epochStart) / 1000,
    };
    this.windowStart = now;
    return ev;
  }

  /** Frees the device-side sums. */
  dispose(): void {
    this.stats.dispose();
  }
}
