import {
  add,
  dropout,
  globalRng,
  noGrad,
  type Random,
  reshape,
  type Shape,
  type Tensor,
  tensor,
  type Variable,
} from '@igcnet/tensor';
import { Module } from '../module/module.js';

/** Options of `Dropout`. */
export interface DropoutOptions {
  /** Stream the seed is drawn from; the global stream when absent. */
  rng?: Random;
  /** The seed itself (an integer), instead of a draw from `rng`. */
  seed?: number;
}

/**
 * Inverted dropout, as `torch.nn.Dropout`: in training mode each element is zeroed with
 * probability `rate` and the rest scaled by 1/(1 − rate); in eval mode x passes unchanged.
 *
 * The masks are seeded and reproducible: they come from `statelessRandomUniform` with the
 * buffer `key` = (seed, counter), int32 [2], which advances by one on every training forward.
 * The key is saved with the other buffers, so a checkpoint resumes with the very masks an
 * uninterrupted run would draw, and every backend draws the same ones; nothing is read back or
 * uploaded per step but the counter's increment.
 */
export class Dropout extends Module {
  readonly rate: number;
  readonly key: Variable;

  constructor(rate: number, opts: DropoutOptions = {}) {
    super();
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout: rate must be in [0, 1), got ${rate}`);
    if (opts.seed !== undefined && !Number.isInteger(opts.seed))
      throw new Error(`Dropout: seed must be an integer, got ${opts.seed}`);
    this.rate = rate;
    const seed = opts.seed ?? (opts.rng ?? globalRng()).nextU32();
    const k = tensor(Int32Array.of(seed | 0, 0), [2], 'int32');
    this.key = this.registerBuffer('key', k);
    k.dispose();
  }

  forward(x: Tensor): Tensor {
    // A view in eval mode: the caller may free x and keep the result.
    if (!this.training || this.rate === 0) return reshape(x, x.shape);
    const y = dropout(x, this.rate, this.key);
    noGrad(() => {
      const step = tensor(Int32Array.of(0, 1), [2], 'int32');
      const next = add(this.key, step);
      this.key.assign(next);
      step.dispose();
      next.dispose();
    });
    return y;
  }

  protected override inferShape(input: Shape): Shape {
    return input;
  }

  override extraRepr(): string {
    return `p=${this.rate}`;
  }
}
