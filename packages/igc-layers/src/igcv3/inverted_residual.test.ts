import {
  add,
  batchNorm,
  channelShuffle,
  conv2d,
  dispose,
  memory,
  mul,
  Random,
  randomNormal,
  relu6,
  sum,
  type Tensor,
  tidy,
  valueAndGrads,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import type { BatchNorm2d } from '../layers/batchnorm2d.js';
import { maxAbs, maxAbsDiff } from '../test_util.js';
import { type InvertedResidual, igcv3Block, mobileNetV2Block } from './inverted_residual.js';

/** The block written out op by op, as the official igcv3.py/mobilenetv2.py build it. */
function reference(b: InvertedResidual, x: Tensor, training: boolean): Tensor {
  const bn = (t: Tensor, m: BatchNorm2d) =>
    batchNorm(t, m.weight, m.bias, {
      training,
      runningMean: m.runningMean,
      runningVar: m.runningVar,
      momentum: 0,
      eps: m.eps,
    });
  let y = bn(conv2d(x, b.expand.weight, { groups: b.expand.groups }), b.expandBn);
  if (b.expandAct) y = relu6(y);
  if (b.permute) y = channelShuffle(y, b.permute.groups);
  y = conv2d(y, b.depthwise.weight, { stride: b.stride, padding: 1, groups: b.expandedChannels });
  y = relu6(bn(y, b.depthwiseBn));
  y = bn(conv2d(y, b.linear.weight, { groups: b.linear.groups }), b.linearBn);
  if (b.permuteBack) y = channelShuffle(y, b.permuteBack.groups);
  return b.hasShortcut ? add(x, y) : y;
}

describe('InvertedResidual', () => {
  it('IGCV3: G1 = G2 = 2, a permutation, no activation after the expansion', () => {
    const b = igcv3Block(24, 24, { expandedChannels: 144, shortcut: true, init: 'zeros' });
    expect(b.namedChildren().map(([n]) => n)).toEqual([
      'expand',
      'expandBn',
      'permute',
      'depthwise',
      'depthwiseBn',
      'depthwiseAct',
      'linear',
      'linearBn',
    ]);
    // 1×1 group convs: 144·12 and 24·72; depthwise 144·9 (as the released model's seq-1-block1).
    expect(b.expand.weight.shape).toEqual([144, 12, 1, 1]);
    expect(b.depthwise.weight.shape).toEqual([144, 1, 3, 3]);
    expect(b.linear.weight.shape).toEqual([24, 72, 1, 1]);
    const convs = 144 * 12 + 144 * 9 + 24 * 72;
    expect(b.numParameters()).toBe(convs + 2 * (144 + 144 + 24));
    expect(b.toString()).toContain('InvertedResidual(24, 24, expanded=144, G1=2, G2=2, shortcut\n');
    b.dispose();
  });

  it('MobileNetV2: dense 1×1 convs and ReLU6 after the expansion', () => {
    const b = mobileNetV2Block(16, 24, { expandedChannels: 96, stride: 2, init: 'zeros' });
    expect(b.namedChildren().map(([n]) => n)).toEqual([
      'expand',
      'expandBn',
      'expandAct',
      'depthwise',
      'depthwiseBn',
      'depthwiseAct',
      'linear',
      'linearBn',
    ]);
    expect(b.outputShape([16, 56, 56])).toEqual([24, 28, 28]);
    b.dispose();
  });

  it('refuses a shortcut across a change of shape and splits that do not divide', () => {
    expect(() => igcv3Block(16, 24, { expandedChannels: 96, shortcut: true })).toThrow(
      'an identity shortcut needs as many input as output channels and stride 1',
    );
    expect(() => igcv3Block(24, 24, { expandedChannels: 24, stride: 2, shortcut: true })).toThrow(
      'stride 2',
    );
    expect(() => igcv3Block(15, 16, { expandedChannels: 90 })).toThrow(/cannot both be split/);
  });

  for (const [name, make] of [
    ['IGCV3', (rng: Random) => igcv3Block(8, 8, { expandedChannels: 48, shortcut: true, rng })],
    [
      'IGCV3 stride 2',
      (rng: Random) => igcv3Block(8, 12, { expandedChannels: 48, stride: 2, rng }),
    ],
    [
      'IGCV3 with the second permutation',
      (rng: Random) =>
        igcv3Block(8, 8, { expandedChannels: 48, shortcut: true, secondPermutation: true, rng }),
    ],
    [
      'MobileNetV2',
      (rng: Random) => mobileNetV2Block(8, 8, { expandedChannels: 48, shortcut: true, rng }),
    ],
  ] as const) {
    it(`${name}: forward equals the op-by-op reference in train and eval mode`, () => {
      const b = make(new Random(7));
      const x = randomNormal([2, 8, 6, 6], { seed: 8 });
      for (const training of [true, false]) {
        b.train(training);
        // Running statistics that are not the identity, so that eval mode's fused BN matters.
        if (!training) {
          for (const [, m] of b.namedModules())
            if ('runningVar' in m) {
              const bn = m as BatchNorm2d;
              const v = tidy(() =>
                add(mul(randomNormal(bn.runningVar.shape, { seed: 9 }), 0.1), 1.5),
              );
              bn.runningVar.assign(v);
              v.dispose();
            }
        }
        const y = b.forward(x);
        const ref = tidy(() => reference(b, x, training));
        expect(maxAbsDiff(y, ref), `${training ? 'train' : 'eval'}`).toBeLessThan(
          1e-4 * Math.max(1, maxAbs(ref)),
        );
        dispose([y, ref]);
      }
      x.dispose();
      b.dispose();
    });
  }

  it('trains: gradients reach every parameter and memory stays flat', () => {
    const b = igcv3Block(8, 8, { expandedChannels: 48, shortcut: true, rng: new Random(3) });
    const x = randomNormal([2, 8, 5, 5], { seed: 4 });
    const params = b.parameters();
    const step = () =>
      tidy(() => {
        const { grads } = valueAndGrads(() => sum(mul(b.forward(x), b.forward(x))), params);
        for (const g of grads) expect(maxAbs(g)).toBeGreaterThan(0);
      });
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
    x.dispose();
    b.dispose();
  });
});
