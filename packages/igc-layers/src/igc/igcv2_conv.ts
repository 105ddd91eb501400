import { conv2d, type Tensor, tensor } from '@igcnet/tensor';
import { Conv2d } from '../layers/conv2d.js';
import { assertPositiveInt } from '../layers/geometry.js';
import type { InitOptions } from '../layers/init.js';
import { Module } from '../module/module.js';
import { Interleave, interleaveSource } from './interleave.js';

/** Options of `IGCV2Conv`. */
export interface IGCV2ConvOptions extends InitOptions {
  /**
   * K_2 … K_L: the channels per group of each 1×1 group conv, in order (L − 1 of them). Their
   * product must be the channel count: the complementary condition, under which every output
   * channel reaches every input channel through exactly one path. `igcv2GroupSizes(C, K)` gives
   * them for a K.
   */
  groupSizes: readonly number[];
  /** Kernel size of the channel-wise conv; defaults to 3. */
  kernelSize?: number;
  /** Stride of the channel-wise conv; defaults to 1. */
  stride?: number;
}

/**
 * The IGCV2 block (Xie et al., "Interleaved Structured Sparse Convolution", CVPR 2018): a k×k
 * channel-wise (depthwise) conv followed by L − 1 group 1×1 convs, the l-th with K_l channels
 * per group (C/K_l groups), each followed by the interleave `Interleave(C/K_l)`. Read a channel
 * index as a mixed-radix number with digits of radix K_2 … K_L, fastest first: group conv l mixes
 * the fastest digit, and its interleave rotates that digit to the slowest place, so the next
 * conv mixes the next digit. With ∏K_l = C (the complementary condition) the L − 1 convs mix
 * every digit once: the composed kernel is dense and every (output, input) pair is joined by
 * exactly one path; after L − 1 rotations the channel order is the input's again, as IGC's
 * permutation back restores it. Like `IGCConv` it is one linear operator (no BN or
 * non-linearity inside); `igcv2DenseWeight` computes its dense k×k kernel.
 *
 * Parameters: C·k² + C·ΣK_l (`igcv2Params`). Children: `depthwise`, then `pointwise1`,
 * `interleave1`, …, `pointwise{L−1}`, `interleave{L−1}`; each interleave is folded into its conv
 * (`outShuffle`), so it moves no data on backends that index through it.
 */
export class IGCV2Conv extends Module {
  readonly channels: number;
  /** K_2 … K_L. */
  readonly groupSizes: readonly number[];
  readonly depthwise: Conv2d;
  readonly pointwise: readonly Conv2d[];
  readonly interleaves: readonly Interleave[];

  constructor(channels: number, opts: IGCV2ConvOptions) {
    super();
    assertPositiveInt(channels, 'IGCV2Conv', 'channels');
    const sizes = [...opts.groupSizes];
    if (sizes.length === 0) throw new Error('IGCV2Conv: needs at least one group 1×1 conv');
    for (const k of sizes) assertPositiveInt(k, 'IGCV2Conv', 'groupSizes');
    const product = sizes.reduce((a, b) => a * b, 1);
    if (product !== channels) {
      throw new Error(
        `IGCV2Conv: the group sizes ${sizes.join('·')} = ${product} must multiply to the ${channels} channels (the complementary condition)`,
      );
    }
    this.channels = channels;
    this.groupSizes = sizes;
    const init = {
      ...(opts.init ? { init: opts.init } : {}),
      ...(opts.rng ? { rng: opts.rng } : {}),
    };
    const k = opts.kernelSize ?? 3;
    this.depthwise = this.registerModule(
      'depthwise',
      new Conv2d(channels, channels, {
        kernelSize: k,
        stride: opts.stride ?? 1,
        padding: (k - 1) / 2,
        groups: channels,
        ...init,
      }),
    );
    const pointwise: Conv2d[] = [];
    const interleaves: Interleave[] = [];
    sizes.forEach((kl, l) => {
      pointwise.push(
        this.registerModule(
          `pointwise${l + 1}`,
          new Conv2d(channels, channels, { kernelSize: 1, groups: channels / kl, ...init }),
        ),
      );
      interleaves.push(this.registerModule(`interleave${l + 1}`, new Interleave(channels / kl)));
    });
    this.pointwise = pointwise;
    this.interleaves = interleaves;
  }

  /** L: the channel-wise conv and the group 1×1 convs. */
  get L(): number {
    return this.groupSizes.length + 1;
  }

  forward(x: Tensor): Tensor {
    let y = this.depthwise.forward(x);
    this.pointwise.forEach((conv, l) => {
      const next = conv2d(y, conv.weight, {
        groups: conv.groups,
        outShuffle: this.interleaves[l]!.groups,
      });
      y.dispose();
      y = next;
    });
    return y;
  }

  override extraRepr(): string {
    const k = this.depthwise.kernelSize[0];
    const stride = this.depthwise.stride[0] !== 1 ? `, stride=${this.depthwise.stride[0]}` : '';
    return `${this.channels}, L=${this.L}, K=[${this.groupSizes.join(',')}], kernel=${k}${stride}`;
  }
}

/**
 * The dense kernel [C, C, k, k] of an IGCV2 block, W = P_L W_L ⋯ P_2 W_2 W_1 composed on the host
 * from its weights. A regular conv with it (and the block's stride and padding) computes what the
 * block computes; with ∏K_l = C every entry is a single product of one weight per conv. Async:
 * it reads the weights back.
 */
export async function igcv2DenseWeight(block: IGCV2Conv): Promise<Tensor> {
  const c = block.channels;
  const [kh, kw] = block.depthwise.kernelSize;
  const kk = kh * kw;
  const wd = await block.depthwise.weight.data();
  // cur[(o·C + i)·kk + t]: the composed kernel so far, output o, input i, tap t.
  let cur = new Float64Array(c * c * kk);
  for (let o = 0; o < c; o++)
    for (let t = 0; t < kk; t++) cur[(o * c + o) * kk + t] = wd[o * kk + t]!;
  for (let l = 0; l < block.pointwise.length; l++) {
    const conv = block.pointwise[l]!;
    const w = await conv.weight.data();
    const per = c / conv.groups;
    const src = interleaveSource(c, block.interleaves[l]!.groups);
    const next = new Float64Array(c * c * kk);
    // Output o of the shuffled conv is conv output s = src[o], which mixes its group's inputs.
    for (let o = 0; o < c; o++) {
      const s = src[o]!;
      const g0 = Math.floor(s / per) * per;
      for (let j = 0; j < per; j++) {
        const a = w[s * per + j]!;
        if (a === 0) continue;
        const row = (g0 + j) * c * kk;
        for (let q = 0; q < c * kk; q++) next[o * c * kk + q]! += a * cur[row + q]!;
      }
    }
    cur = next;
  }
  return tensor(Float32Array.from(cur), [c, c, kh, kw]);
}
