import type { InitOptions } from '@igcnet/layers';
import { Dropout, Flatten, GlobalAvgPool, Linear, Module, type Sequential } from '@igcnet/layers';
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
  /** Expansion factor t of the stage's inverted residual blocks (IGCV3, MobileNetV2). */
  expansion?: number;
  /** Groups of the stage's 1×1 convs (IGCV3's G1 = G2 = 2). */
  pointwiseGroups?: number;
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
  /** The width multiplier of an IGCV3 or MobileNetV2 net. */
  widthMultiplier?: number;
  /** Channels of the head before the pool (IGCV3's and MobileNetV2's last 1×1 conv). */
  headWidth?: number;
}

/** What some networks add around the pool and the classifier. */
export interface NetworkHead {
  /** Layers between the stages and the pool (IGCV3: a 1×1 conv to 1280 channels, BN, ReLU6). */
  head?: Sequential;
  /** Channels the head gives: the classifier's input width. */
  width: number;
  /** Dropout rate before the classifier (training only); none when absent or 0. */
  dropout?: number;
  /** How the classifier's weight is initialised (see `LinearOptions.weightInit`). */
  fcInit?: 'uniform' | 'he-normal';
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
 * Every zoo network: `stem` → `stages` (→ `head`) → `pool` (global average) → `flatten`
 * (→ `dropout`) → `fc`. The paper's heads are an 8×8 (CIFAR) or 7×7 (ImageNet) average pool,
 * global at the standard input sizes; a global pool also serves smaller test inputs. The IGCV3
 * and MobileNetV2 nets add a `head` (1×1 conv, BN, ReLU6) and, on CIFAR, a `dropout`.
 */
export class Network extends Module {
  readonly spec: NetworkSpec;
  readonly stem: Sequential;
  readonly stages: Sequential;
  readonly head: Sequential | undefined;
  readonly pool: GlobalAvgPool;
  readonly flatten: Flatten;
  readonly dropout: Dropout | undefined;
  readonly fc: Linear;

  constructor(
    spec: NetworkSpec,
    stem: Sequential,
    stages: Sequential,
    numClasses: number,
    init: InitOptions,
    extras?: NetworkHead,
  ) {
    super();
    this.spec = spec;
    this.stem = this.registerModule('stem', stem);
    this.stages = this.registerModule('stages', stages);
    if (extras?.head) this.head = this.registerModule('head', extras.head);
    this.pool = this.registerModule('pool', new GlobalAvgPool());
    this.flatten = this.registerModule('flatten', new Flatten());
    if (extras?.dropout)
      this.dropout = this.registerModule(
        'dropout',
        new Dropout(extras.dropout, init.rng ? { rng: init.rng } : {}),
      );
    const last = extras?.width ?? spec.stages.at(-1)?.width ?? spec.stemWidth;
    this.fc = this.registerModule(
      'fc',
      new Linear(last, numClasses, {
        ...init,
        ...(extras?.fcInit ? { weightInit: extras.fcInit } : {}),
      }),
    );
    this.nameVariables();
  }

  /** Logits [N, numClasses] for images [N, C, H, W]; intermediates are freed as it goes. */
  forward(x: Tensor): Tensor {
    let y = this.stem.forward(x);
    const rest = [this.stages, this.head, this.pool, this.flatten, this.dropout, this.fc];
    for (const m of rest) {
      if (!m) continue;
      const next = m.forward(y);
      if (next !== y) y.dispose();
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
