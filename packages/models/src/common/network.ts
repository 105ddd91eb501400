import type { InitOptions } from '@igcnet/layers';
import { Flatten, GlobalAvgPool, Linear, Module, type Sequential } from '@igcnet/layers';
import type { Tensor } from '@igcnet/tensor';

/** One stage of a network, for `igc info`'s widths per stage. */
export interface StageInfo {
  /** Output channels of the stage. */
  width: number;
  /** Layers (plain nets) or basic blocks (residual nets). */
  units: number;
  /** Stride of the first unit. */
  stride: number;
  /** Primary partitions of the stage's IGCs (absent for regular convs). */
  L?: number;
  /** Secondary partitions of the stage's IGCs. */
  M?: number;
}

/** What a network is, for reports. */
export interface NetworkSpec {
  /** Zoo name, e.g. `igc-l24m2-ident-d20`. */
  name: string;
  /** The paper's name, e.g. `IGC-L24M2+Ident.`. */
  title: string;
  /** `cifar` (CIFAR-10/100, SVHN: 32×32) or `imagenet` (224×224). */
  dataset: 'cifar' | 'imagenet';
  /** Per-sample input shape the paper uses. */
  inputShape: [number, number, number];
  /** Stem output channels. */
  stemWidth: number;
  stages: StageInfo[];
  /** (L, M) of the first stage's IGC, for the equal-budget comparison; absent for regular convs. */
  igc?: { L: number; M: number };
}

/** A stage: a chain of layers or blocks under `blocks`. */
export class Stage extends Module {
  readonly blocks: Sequential;
  readonly info: StageInfo;

  constructor(blocks: Sequential, info: StageInfo) {
    super();
    this.blocks = this.registerModule('blocks', blocks);
    this.info = info;
  }

  forward(x: Tensor): Tensor {
    return this.blocks.forward(x);
  }

  override extraRepr(): string {
    const igc = this.info.L !== undefined ? `, L=${this.info.L}, M=${this.info.M}` : '';
    return `width=${this.info.width}, units=${this.info.units}, stride=${this.info.stride}${igc}`;
  }
}

/**
 * Every zoo network: `stem` → `stages` → `pool` (global average) → `flatten` → `fc`. The
 * paper's heads are an 8×8 (CIFAR) or 7×7 (ImageNet) average pool, global at the standard input
 * sizes; a global pool also serves smaller test inputs.
 */
export class Network extends Module {
  readonly spec: NetworkSpec;
  readonly stem: Sequential;
  readonly stages: Sequential;
  readonly pool: GlobalAvgPool;
  readonly flatten: Flatten;
  readonly fc: Linear;

  constructor(
    spec: NetworkSpec,
    stem: Sequential,
    stages: Sequential,
    numClasses: number,
    init: InitOptions,
  ) {
    super();
    this.spec = spec;
    this.stem = this.registerModule('stem', stem);
    this.stages = this.registerModule('stages', stages);
    this.pool = this.registerModule('pool', new GlobalAvgPool());
    this.flatten = this.registerModule('flatten', new Flatten());
    const last = spec.stages.at(-1)?.width ?? spec.stemWidth;
    this.fc = this.registerModule('fc', new Linear(last, numClasses, init));
    this.nameVariables();
  }

  /** Logits [N, numClasses] for images [N, C, H, W]; intermediates are freed as it goes. */
  forward(x: Tensor): Tensor {
    let y = this.stem.forward(x);
    for (const m of [this.stages, this.pool, this.flatten, this.fc]) {
      const next = m.forward(y);
      y.dispose();
      y = next;
    }
    return y;
  }

  /** Number of classifier outputs. */
  get numClasses(): number {
    return this.fc.outFeatures;
  }

  override extraRepr(): string {
    return `'${this.spec.name}'`;
  }
}
