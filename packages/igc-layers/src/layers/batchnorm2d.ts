import {
  batchNorm,
  batchNormRelu,
  ones,
  relu,
  type Shape,
  type Tensor,
  type Variable,
  zeros,
} from '@igcnet/tensor';
import { layersFlags } from '../flags.js';
import { Module } from '../module/module.js';
import { assertPositiveInt } from './geometry.js';
import { type StatsReducer, syncBatchNorm } from './sync_batchnorm.js';

/** Options of `BatchNorm2d`. */
export interface BatchNorm2dOptions {
  /**
   * Weight of the new batch statistic in the running average, PyTorch convention (MXNet's
   * momentum m is PyTorch's 1 − m). Defaults to 0.1.
   */
  momentum?: number;
  /** Added to the variance. Defaults to 1e-5 (the IGC nets use 2e-5). */
  eps?: number;
}

/**
 * Batch normalisation over N, H and W for each channel, as `torch.nn.BatchNorm2d`. Parameters
 * `weight` (γ = 1) and `bias` (β = 0); buffers `running_mean` (0) and `running_var` (1), named
 * as in PyTorch state dicts. In training mode it normalises with the batch statistics and moves
 * the running ones; in eval mode it uses the running ones.
 */
export class BatchNorm2d extends Module {
  readonly numFeatures: number;
  readonly momentum: number;
  readonly eps: number;
  readonly weight: Variable;
  readonly bias: Variable;
  readonly runningMean: Variable;
  readonly runningVar: Variable;
  /**
   * When set, training mode normalises with the statistics of the global batch across processes
   * (synchronised batch norm, see {@link convertSyncBatchNorm}); eval mode is unchanged.
   */
  sync: StatsReducer | undefined;

  constructor(numFeatures: number, opts: BatchNorm2dOptions = {}) {
    super();
    assertPositiveInt(numFeatures, 'BatchNorm2d', 'numFeatures');
    this.numFeatures = numFeatures;
    this.momentum = opts.momentum ?? 0.1;
    this.eps = opts.eps ?? 1e-5;
    const one = ones([numFeatures]);
    const zero = zeros([numFeatures]);
    this.weight = this.registerParameter('weight', one);
    this.bias = this.registerParameter('bias', zero);
    this.runningMean = this.registerBuffer('running_mean', zero);
    this.runningVar = this.registerBuffer('running_var', one);
    one.dispose();
    zero.dispose();
  }

  forward(x: Tensor): Tensor {
    if (this.training && this.sync) {
      return syncBatchNorm(x, this.weight, this.bias, {
        reducer: this.sync,
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        momentum: this.momentum,
        eps: this.eps,
      });
    }
    return batchNorm(x, this.weight, this.bias, {
      training: this.training,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      momentum: this.momentum,
      eps: this.eps,
    });
  }

  /**
   * relu(forward(x)): what a BN followed by a ReLU computes. In training mode it is one
   * `batchNormRelu` (one fused kernel forward and one backward, where the backend has them);
   * synchronised BN, eval mode, or `IGCNET_FUSE_BN_RELU=0` run the two apart. `Sequential` and
   * `BasicBlock` call it for every BN → ReLU pair.
   */
  forwardRelu(x: Tensor): Tensor {
    if (this.training && !this.sync && layersFlags.get('fuseBnRelu')) {
      return batchNormRelu(x, this.weight, this.bias, {
        training: true,
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        momentum: this.momentum,
        eps: this.eps,
      });
    }
    const y = this.forward(x);
    const r = relu(y);
    y.dispose();
    return r;
  }

  protected override inferShape(input: Shape): Shape {
    if (input[0] !== this.numFeatures) {
      throw new Error(`BatchNorm2d: expects ${this.numFeatures} channels, got ${input[0]}`);
    }
    return input;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}

/**
 * Makes every `BatchNorm2d` of `model` synchronised through `reducer` (or per-process again with
 * `undefined`), like PyTorch's `SyncBatchNorm.convert_sync_batchnorm`. Returns how many it set.
 */
export function convertSyncBatchNorm(model: Module, reducer: StatsReducer | undefined): number {
  let n = 0;
  for (const [, m] of model.namedModules()) {
    if (m instanceof BatchNorm2d) {
      m.sync = reducer;
      n++;
    }
  }
  return n;
}
