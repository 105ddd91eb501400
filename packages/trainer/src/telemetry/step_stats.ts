import {
  add,
  concat,
  dispose,
  mul,
  oneHot,
  reshape,
  scalar,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
} from '@igcnet/tensor';

/** What one optimisation step hands to {@link StepStats.add}; nothing of it is read back. */
export interface StepTensors {
  /** Mean cross-entropy of the batch (scalar). */
  loss: Tensor;
  /**
   * What `loss` is multiplied by to give the loss summed over the batch's images: the batch size
   * (the default), or in data-parallel training the global batch size, since a rank's loss is
   * its share of the global mean.
   */
  lossScale?: number;
  /** Top-1 class of each example, int32 [n]. */
  predicted: Tensor;
  /** Labels, int32 [n]. */
  labels: Tensor;
  /** Number of classes (the width of the logits). */
  classes: number;
  /** Gradients of every trained parameter. */
  grads: readonly Tensor[];
}

/** Figures of the steps added since the last read. */
export interface WindowStats {
  steps: number;
  images: number;
  /** Mean cross-entropy per image. */
  loss: number;
  /** Fraction of images whose top prediction was wrong. */
  top1Error: number;
  /** Mean over the steps of the global gradient L2 norm. */
  gradNorm: number;
}

/**
 * Global L2 norm of a set of gradients, as a scalar tensor: sqrt(Σ g²) over all of them. The
 * gradients are joined as flat views into one vector first, so the whole norm is four kernels (on
 * WebGPU a copy per gradient, then three), not three per gradient.
 */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  if (grads.length === 0) return scalar(0);
  return tidy(() => sqrt(sum(square(concat(grads.map((g) => reshape(g, [-1])))))));
}

/**
 * Running training figures kept on the device: the loss summed over images, the count of wrong
 * top-1 predictions and the sum of per-step gradient norms are scalar tensors updated by a few
 * small kernels per step, queued with the step's own work. Nothing is read until {@link read},
 * so on a queued backend (WebGPU) a step adds no wait for the device.
 */
export class StepStats {
  private lossSum: Tensor | undefined;
  private wrong: Tensor | undefined;
  private normSum: Tensor | undefined;
  private steps = 0;
  private images = 0;

  /** Adds one step's figures to the running sums. */
  add(s: StepTensors): void {
    const n = s.labels.shape[0]!;
    const next = tidy(() => {
      const loss = mul(s.loss, s.lossScale ?? n);
      const correct = sum(mul(oneHot(s.predicted, s.classes), oneHot(s.labels, s.classes)));
      const wrong = sub(n, correct);
      const norm = globalNorm(s.grads);
      return {
        lossSum: this.lossSum ? add(this.lossSum, loss) : loss,
        wrong: this.wrong ? add(this.wrong, wrong) : wrong,
        normSum: this.normSum ? add(this.normSum, norm) : norm,
      };
    });
    this.dispose();
    this.lossSum = next.lossSum;
    this.wrong = next.wrong;
    this.normSum = next.normSum;
    this.steps++;
    this.images += n;
  }

  /** Steps added since the last read. */
  get pending(): number {
    return this.steps;
  }

  /** Reads the sums back (one wait for the device) and starts a new window. */
  async read(): Promise<WindowStats> {
    const held = [this.lossSum, this.wrong, this.normSum];
    if (held.some((t) => t === undefined)) throw new Error('StepStats.read: no step was added');
    const [l, w, g] = await Promise.all(held.map((t) => t!.data()));
    const out: WindowStats = {
      steps: this.steps,
      images: this.images,
      loss: l![0]! / this.images,
      top1Error: w![0]! / this.images,
      gradNorm: g![0]! / this.steps,
    };
    this.dispose();
    this.steps = 0;
    this.images = 0;
    return out;
  }

  /** Frees the running sums. */
  dispose(): void {
    dispose([this.lossSum, this.wrong, this.normSum].filter((t) => t !== undefined));
    this.lossSum = undefined;
    this.wrong = undefined;
    this.normSum = undefined;
  }
}
