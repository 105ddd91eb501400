import { BatchNorm2d, type Conv2d, type IGCConv, type Linear } from '@igcnet/layers';
import {
  dispose,
  memory,
  Random,
  randomNormal,
  softmaxCrossEntropy,
  tensor,
  valueAndGrads,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { createModel } from './zoo/registry.js';

/**
 * A forward and backward pass at batch 2 on the CPU: shapes, finite grads, no leak. Every
 * gradient must be non-zero but those `mayVanish` names.
 */
function step(
  name: string,
  hw: number,
  numClasses = 10,
  mayVanish: (param: string) => boolean = () => false,
): void {
  const model = createModel(name, { numClasses, seed: 1 });
  const x = randomNormal([2, 3, hw, hw], { seed: 2 });
  const labels = tensor(new Int32Array([1, numClasses - 1]));
  const before = memory().numTensors;
  const params = model.parameters();
  const { value, grads } = valueAndGrads(() => {
    const logits = model.forward(x);
    expect(logits.shape).toEqual([2, numClasses]);
    return softmaxCrossEntropy(logits, labels);
  }, params);
  expect(Number.isFinite(value.dataSync()[0])).toBe(true);
  for (const [i, g] of grads.entries()) expect(g.shape).toEqual(params[i]!.shape);
  const names = model.namedParameters().map(([n]) => n);
  const zero: string[] = [];
  grads.forEach((g, k) => {
    const v = g.dataSync();
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) throw new Error(`non-finite gradient in ${names[k]}`);
    }
    if (!v.some((a) => a !== 0) && !mayVanish(names[k]!)) zero.push(names[k]!);
  });
  expect(zero).toEqual([]);
  dispose([value, ...grads]);
  expect(memory().numTensors).toBe(before);
  model.eval();
  const y = model.forward(x);
  expect(y.shape).toEqual([2, numClasses]);
  dispose([x, labels, y]);
  model.dispose();
}

describe('forward and backward of each family (CPU, batch 2)', () => {
  it('RegConv plain', () => step('regconv-w16-d8', 32));
  it('IGC plain', () => step('igc-l4m8-d8', 32));
  it('RegConv +Ident.', () => step('regconv-w16-ident-d8', 32));
  it('IGC +Ident. (with the down-sampling quirk)', () => step('igc-l24m2-ident-d8', 32, 100));
  it('ResNet-18 (ImageNet, 32×32 input)', () => step('resnet18', 32, 1000));
  it('IGC-L4M32+Ident. (ImageNet, 32×32 input)', () => step('igc-l4m32-ident-imagenet', 32, 1000));
  it('IGC-L100M2+Ident. (ImageNet, 32×32 input)', () =>
    step('igc-l100m2-ident-imagenet', 32, 1000));
  it('IGCV3-D 0.5× (CIFAR, with dropout)', () => step('igcv3-cifar-w0.5', 32));
  // At 32×32 the last two stages see 1×1 maps: a BN shift there only shifts the next conv's
  // output uniformly, which the next training-mode BN subtracts again, so those BN biases get a
  // gradient of exactly 0 (a linear bottleneck's β never reaches the loss but through borders).
  it('IGCV3-D 0.5× (ImageNet, 32×32 input)', () =>
    step('igcv3-imagenet-w0.5', 32, 1000, (n) => /^stages\.[56]\..*Bn\.bias$/.test(n)));
  it('MobileNetV2 (CIFAR)', () => step('mobilenetv2-cifar', 32, 100));
});

describe('structure', () => {
  it('names parameters like PyTorch and follows the official layout', () => {
    const m = createModel('igc-l24m2-ident-d20', { init: 'zeros' });
    const names = m.namedParameters().map(([n]) => n);
    expect(names).toContain('stages.0.blocks.1.conv1.primary.weight');
    expect(names).toContain('stages.1.blocks.0.shortcut.conv.weight');
    expect(names).not.toContain('stages.0.blocks.0.shortcut.conv.weight');
    expect(names.at(-1)).toBe('fc.bias');
    expect(m.parameters()[0]!.name).toBe('stem.conv.weight');
    expect(m.namedBuffers().map(([n]) => n)).toContain('stages.2.blocks.2.bn2.running_var');
    // The resnet_igc quirk: the first unit of a down-sampling block has M_prev = 2 secondary
    // partitions of 2L = 48 channels, and permutes back with 2.
    const quirk = m.stages
      .at(1)
      .namedModules()
      .find(([n]) => n === 'blocks.0.conv1')![1] as IGCConv;
    expect([quirk.M, quirk.secondary.weight.shape[1], quirk.interleaveBack.groups]).toEqual([
      2, 48, 2,
    ]);
    const regular = m.stages
      .at(1)
      .namedModules()
      .find(([n]) => n === 'blocks.0.conv2')![1] as IGCConv;
    expect([regular.M, regular.secondary.weight.shape[1]]).toEqual([4, 24]);
    const shortcut = m.stages
      .at(1)
      .namedModules()
      .find(([n]) => n === 'blocks.0.shortcut.conv')![1] as Conv2d;
    expect([shortcut.groups, shortcut.stride[0]]).toEqual([24, 2]);
    expect(m.spec.stages.map((s) => [s.width, s.L, s.M])).toEqual([
      [48, 24, 2],
      [96, 24, 4],
      [192, 24, 8],
    ]);
    const text = m.toString();
    expect(text.split('\n')[0]).toBe("Network('igc-l24m2-ident-d20'");
    expect(text).toContain(
      '(primary): PrimaryGroupConv(48, 96, kernel=3, stride=2, padding=1, groups=24, L=24)',
    );
    m.dispose();
  });

  it('uses the official BN settings and initialisation', () => {
    const plain = createModel('igc-l4m8-d8', { seed: 3 });
    const ident = createModel('igc-l4m8-ident-d8', { init: 'zeros' });
    const bns = (n: typeof plain) =>
      n.namedModules().flatMap(([, x]) => (x instanceof BatchNorm2d ? [x] : []));
    expect(bns(plain).every((b) => b.momentum === 0.01 && b.eps === 2e-5)).toBe(true);
    expect(bns(ident).every((b) => b.momentum === 0.1 && b.eps === 2e-5)).toBe(true);
    const bn = bns(plain)[0]!;
    expect([bn.weight.dataSync()[0], bn.bias.dataSync()[0]]).toEqual([1, 0]);
    const fc = plain.fc as Linear;
    const bound = Math.sqrt(1 / 128);
    expect(Array.from(fc.weight.dataSync()).every((w) => Math.abs(w) <= bound)).toBe(true);
    expect(Array.from(fc.bias!.dataSync()).every((b) => b === 0)).toBe(true);
    const primary = plain.stages
      .at(2)
      .namedModules()
      .find(([n]) => n === 'blocks.1.conv.primary')![1] as Conv2d;
    const w = primary.weight.dataSync();
    let s2 = 0;
    for (const v of w) s2 += v * v;
    const std = Math.sqrt(s2 / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (32 * 9)), 2);
    plain.dispose();
    ident.dispose();
  });

  it('is reproducible from a seed and loads its own state dict', () => {
    const a = createModel('igc-l4m8-d8', { seed: 7 });
    const b = createModel('igc-l4m8-d8', { seed: 7 });
    const c = createModel('igc-l4m8-d8', { init: 'zeros' });
    expect(Array.from(a.parameters()[3]!.dataSync())).toEqual(
      Array.from(b.parameters()[3]!.dataSync()),
    );
    c.loadStateDict(a.stateDict());
    const x = randomNormal([2, 3, 32, 32], { rng: new Random(1) });
    a.eval();
    c.eval();
    const ya = a.forward(x);
    const yc = c.forward(x);
    expect(Array.from(yc.dataSync())).toEqual(Array.from(ya.dataSync()));
    const other = createModel('igc-l4m8-d8', { numClasses: 100, init: 'zeros' });
    expect(() => other.loadStateDict(a.stateDict())).toThrow(/shape mismatch for 'fc.weight'/);
    dispose([x, ya, yc]);
    for (const m of [a, b, c, other]) m.dispose();
  });
});
