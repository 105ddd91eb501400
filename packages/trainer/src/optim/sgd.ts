import { fmtShape, sgdUpdate, type Tensor, type Variable, variable, zeros } from '@igcnet/tensor';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate; a schedule may override it per step. */
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /**
   * Parameters that get no weight decay. The official IGC code decays everything; pass
   * {@link excludeBnAndBias} to exempt BN γ/β and biases.
   */
  noWeightDecay?: (name: string, param: Variable) => boolean;
}

/** Exempts rank-1 parameters (biases and BN γ/β) from weight decay. */
export function excludeBnAndBias(_name: string, param: Variable): boolean {
  return param.rank <= 1;
}

/**
 * Stochastic gradient descent with momentum, Nesterov and weight decay, run on the backend's
 * fused in-place update kernel. Matches PyTorch's `torch.optim.SGD`.
 */
export class SGD {
  readonly params: readonly [string, Variable][];
  readonly options: Required<Omit<SGDOptions, 'noWeightDecay'>> & Pick<SGDOptions, 'noWeightDecay'>;
  private velocities: Variable[] | undefined;
  /** Optimisation steps taken. */
  stepCount = 0;

  constructor(params: Iterable<[string, Variable]>, opts: SGDOptions) {
    this.params = [...params];
    this.options = {
      lr: opts.lr,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      nesterov: opts.nesterov ?? false,
      weightDecay: opts.weightDecay ?? 0,
      noWeightDecay: opts.noWeightDecay,
    };
    if (!(this.options.lr >= 0)) throw new Error(`SGD: lr must be ≥ 0, got ${opts.lr}`);
    if (this.options.nesterov && (this.options.momentum <= 0 || this.options.dampening !== 0)) {
      throw new Error('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  private ensureState(): Variable[] {
    this.velocities ??= this.params.map(([name, p]) => {
      const z = zeros(p.shape);
      const v = variable(z, { name: `${name}.momentum_buffer`, trainable: false });
      z.dispose();
      return v;
    });
    return this.velocities;
  }

  /** Applies one update with `grads` (one per parameter, in order), at `lr` if given. */
  step(grads: readonly Tensor[], lr = this.options.lr): void {
    if (grads.length !== this.params.length) {
      throw new Error(
        `SGD.step: got ${grads.length} gradients for ${this.params.length} parameters`,
      );
    }
    const vel = this.ensureState();
    const o = this.options;
    this.params.forEach(([name, p], i) => {
      const g = grads[i]!;
      if (g.size !== p.size)
        throw new Error(
          `SGD.step: gradient of '${name}' is ${fmtShape(g.shape)}, parameter is ${fmtShape(p.shape)}`,
        );
      const decay = o.noWeightDecay?.(name, p) ? 0 : o.weightDecay;
      // PyTorch starts the buffer at the first gradient, undamped.
      const dampening = this.stepCount === 0 ? 0 : o.dampening;
      sgdUpdate(p, g, vel[i]!, {
        lr,
        momentum: o.momentum,
        dampening,
        nesterov: o.nesterov,
        weightDecay: decay,
      });
    });
    this.stepCount++;
  }

  /** The momentum buffers by parameter name, for checkpoints. */
  stateTensors(): [string, Variable][] {
    const vel = this.ensureState();
    return this.params.map(([name], i) => [name, vel[i]!]);
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const v of this.velocities ?? []) v.dispose();
    this.velocities = undefined;
  }
}
