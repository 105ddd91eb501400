import {
  add,
  dispose,
  memory,
  Random,
  randomNormal,
  relu,
  sum,
  tensor,
  tidy,
  valueAndGrads,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test_util.js';
import { BatchNorm2d } from './batchnorm2d.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { AvgPool2d, GlobalAvgPool, MaxPool2d } from './pool.js';
import { ReLU } from './relu.js';
import { BasicBlock, Projection } from './residual.js';
import { Sequential } from './sequential.js';

describe('Conv2d', () => {
  it('supports groups, stride, padding, dilation and bias, and infers shapes and MACs', () => {
    const conv = new Conv2d(4, 6, {
      kernelSize: 3,
      stride: 2,
      padding: 2,
      dilation: 2,
      groups: 2,
      bias: true,
    });
    expect(conv.weight.shape).toEqual([6, 2, 3, 3]);
    expect(conv.bias?.shape).toEqual([6]);
    const x = randomNormal([2, 4, 9, 9], { seed: 1 });
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, ...conv.outputShape([4, 9, 9])]);
    expect(conv.outputShape([4, 9, 9])).toEqual([6, 5, 5]);
    expect(conv.macs([4, 9, 9], [6, 5, 5])).toBe(6 * 2 * 9 * 25);
    expect(() => conv.outputShape([3, 9, 9])).toThrow(/expects 4 input channels, got 3/);
    expect(() => new Conv2d(4, 6, { kernelSize: 3, groups: 4 })).toThrow(
      /cannot both be split into 4 groups/,
    );
    dispose([x, y]);
    conv.dispose();
  });

  it('initialises He-normal with fan_in = Cin/groups·k²', () => {
    const conv = new Conv2d(64, 64, { kernelSize: 3, groups: 4, rng: new Random(2) });
    const v = conv.weight.dataSync();
    let s2 = 0;
    for (const a of v) s2 += a * a;
    const std = Math.sqrt(s2 / v.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (16 * 9)), 2);
    conv.dispose();
  });
});

describe('BatchNorm2d', () => {
  it('uses batch statistics in training and moves the running ones with PyTorch momentum', () => {
    const bn = new BatchNorm2d(2, { momentum: 0.01, eps: 2e-5 });
    // Channel 0 holds 1..4 (mean 2.5, unbiased var 5/3), channel 1 holds 0.
    const x = tensor([1, 2, 3, 4, 0, 0, 0, 0], [1, 2, 2, 2]);
    const y = bn.forward(x);
    const y0 = Array.from(y.dataSync()).slice(0, 4);
    expect(y0[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25 + 2e-5), 4);
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(0.025, 6);
    expect(bn.runningVar.dataSync()[0]).toBeCloseTo(0.99 + 0.01 * (5 / 3), 6);
    bn.eval();
    const z = bn.forward(x);
    // Eval: (x − 0.025) / √(running_var + eps).
    expect(z.dataSync()[0]).toBeCloseTo((1 - 0.025) / Math.sqrt(0.99 + 0.01 * (5 / 3) + 2e-5), 4);
    dispose([x, y, z]);
    bn.dispose();
  });
});

describe('Linear, pooling, Flatten, Sequential', () => {
  it('computes x·Wᵀ + b with uniform init and zero bias', () => {
    const fc = new Linear(3, 2, { rng: new Random(3) });
    expect(Array.from(fc.bias!.dataSync())).toEqual([0, 0]);
    for (const w of fc.weight.dataSync()) expect(Math.abs(w)).toBeLessThanOrEqual(Math.sqrt(1 / 3));
    const x = tensor([[1, 2, 3]]);
    const y = fc.forward(x);
    const w = fc.weight.dataSync();
    expect(y.dataSync()[1]).toBeCloseTo(w[3]! + 2 * w[4]! + 3 * w[5]!, 5);
    expect(fc.macs()).toBe(6);
    dispose([x, y]);
    fc.dispose();
  });

  it('chains a head and infers its shapes', () => {
    const head = new Sequential(
      new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 }),
      new AvgPool2d({ kernelSize: 2 }),
    );
    head.append(new GlobalAvgPool()).append(new Flatten()).append(new Linear(5, 3));
    expect(head.outputShape([5, 16, 16])).toEqual([3]);
    const rows: string[] = [];
    head.traceShapes([5, 16, 16], (p, _m, i, o) =>
      rows.push(`${p}:${i.join('x')}->${o.join('x')}`),
    );
    expect(rows).toEqual([
      '0:5x16x16->5x8x8',
      '1:5x8x8->5x4x4',
      '2:5x4x4->5x1x1',
      '3:5x1x1->5',
      '4:5->3',
    ]);
    const x = randomNormal([2, 5, 16, 16], { seed: 4 });
    const before = memory().numTensors;
    const y = head.forward(x);
    expect(y.shape).toEqual([2, 3]);
    expect(memory().numTensors).toBe(before + 1);
    dispose([x, y]);
    head.dispose();
  });
});

describe('BasicBlock', () => {
  const bn = (c: number) => new BatchNorm2d(c, { eps: 2e-5 });

  it('is ReLU(shortcut(x) + BN(U2(ReLU(BN(U1 x))))) with an identity shortcut', () => {
    const block = new BasicBlock({
      conv1: new Conv2d(4, 4, { kernelSize: 3, padding: 1 }),
      bn1: bn(4),
      conv2: new Conv2d(4, 4, { kernelSize: 3, padding: 1 }),
      bn2: bn(4),
    });
    const x = randomNormal([2, 4, 6, 6], { seed: 5 });
    const y = block.forward(x);
    const manual = tidy(() => {
      const a = relu(block.bn1.forward(block.conv1.forward(x)));
      return relu(add(block.bn2.forward(block.conv2.forward(a)), x));
    });
    expect(y.shape).toEqual([2, 4, 6, 6]);
    expect(maxAbsDiff(y, manual)).toBeLessThan(1e-6);
    dispose([x, y, manual]);
    block.dispose();
  });

  it('down-samples with a projection and back-propagates', () => {
    const block = new BasicBlock({
      conv1: new Conv2d(4, 8, { kernelSize: 3, padding: 1, stride: 2 }),
      bn1: bn(8),
      conv2: new Conv2d(8, 8, { kernelSize: 3, padding: 1 }),
      bn2: bn(8),
      shortcut: new Projection(4, 8, { stride: 2, groups: 2 }),
    });
    expect(block.namedParameters().map(([n]) => n)).toContain('shortcut.conv.weight');
    expect(block.outputShape([4, 6, 6])).toEqual([8, 3, 3]);
    const x = randomNormal([2, 4, 6, 6], { seed: 6 });
    const before = memory().numTensors;
    const { value, grads } = valueAndGrads(() => sum(block.forward(x)), block.parameters());
    expect(grads).toHaveLength(block.parameters().length);
    for (const g of grads) for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
    dispose([value, ...grads]);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    block.dispose();
  });

  it('rejects a shortcut whose shape does not match', () => {
    const block = new BasicBlock({
      conv1: new Conv2d(4, 8, { kernelSize: 3, padding: 1, stride: 2 }),
      bn1: bn(8),
      conv2: new Conv2d(8, 8, { kernelSize: 3, padding: 1 }),
      bn2: bn(8),
    });
    expect(() => block.outputShape([4, 6, 6])).toThrow(
      /shortcut gives \[4,6,6\] but the main path \[8,3,3\]/,
    );
    block.dispose();
  });
});

describe('ReLU', () => {
  it('clamps at zero', () => {
    const x = tensor([-1, 2]);
    const y = new ReLU().forward(x);
    expect(Array.from(y.dataSync())).toEqual([0, 2]);
    dispose([x, y]);
  });
});
