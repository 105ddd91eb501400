import {
  add,
  heNormal,
  matmul,
  randomUniform,
  type Shape,
  type Tensor,
  type Variable,
  zeros,
} from '@igcnet/tensor';
import { Module } from '../module/module.js';
import { assertPositiveInt } from './geometry.js';
import type { InitOptions } from './init.js';

/** Options of `Linear`. */
export interface LinearOptions extends InitOptions {
  /** Whether to add a bias; defaults to true (the IGC classifiers have one). */
  bias?: boolean;
  /**
   * How `'official'` init fills the weight: `'uniform'` U(±√(1/in)) as the official IGC code
   * (the default), or `'he-normal'` N(0, 2/in) as MXNet's Xavier(gaussian, in, magnitude 2) of the
   * official IGCV3 and MobileNetV2 scripts.
   */
  weightInit?: 'uniform' | 'he-normal';
}

/**
 * A fully connected layer y = x·Wᵀ + b on [N, in], with `weight` [out, in] and `bias` [out] as
 * `torch.nn.Linear`. Official init: W ~ U(±√(1/in)) (or He-normal, see `weightInit`), b = 0.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Variable;
  readonly bias: Variable | undefined;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    assertPositiveInt(inFeatures, 'Linear', 'inFeatures');
    assertPositiveInt(outFeatures, 'Linear', 'outFeatures');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = Math.sqrt(1 / inFeatures);
    const rng = opts.rng ? { rng: opts.rng } : {};
    const w =
      opts.init === 'zeros'
        ? zeros([outFeatures, inFeatures])
        : opts.weightInit === 'he-normal'
          ? heNormal([outFeatures, inFeatures], rng)
          : randomUniform([outFeatures, inFeatures], { min: -bound, max: bound, ...rng });
    this.weight = this.registerParameter('weight', w);
    w.dispose();
    if (opts.bias ?? true) {
      const b = zeros([outFeatures]);
      this.bias = this.registerParameter('bias', b);
      b.dispose();
    }
  }

  forward(x: Tensor): Tensor {
    const y = matmul(x, this.weight, { transposeB: true });
    if (!this.bias) return y;
    const out = add(y, this.bias);
    y.dispose();
    return out;
  }

  protected override inferShape(input: Shape): Shape {
    if (input.length !== 1 || input[0] !== this.inFeatures) {
      throw new Error(
        `Linear: expects [${this.inFeatures}] features per sample, got [${input.join(',')}]`,
      );
    }
    return [this.outFeatures];
  }

  /** in × out multiply-adds (the bias add is free, as the paper counts). */
  override macs(): number {
    return this.inFeatures * this.outFeatures;
  }

  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'}`;
  }
}
