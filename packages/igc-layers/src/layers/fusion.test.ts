import {
  add,
  dispose,
  getBackend,
  type KernelName,
  memory,
  mul,
  type Profile,
  profile,
  Random,
  randomNormal,
  randomUniform,
  relu,
  sum,
  type Tensor,
  tidy,
  valueAndGrads,
} from '@igcnet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { layersFlags } from '../flags.js';
import { IGCConv } from '../igc/igc_conv.js';
import type { Module } from '../module/module.js';
import { maxAbs, maxAbsDiff } from '../test_util.js';
import { BatchNorm2d } from './batchnorm2d.js';
import { Conv2d } from './conv2d.js';
import { ReLU } from './relu.js';
import { BasicBlock, Projection } from './residual.js';
import { Sequential } from './sequential.js';

/** Runs `fn`, counting how often the active backend runs kernel `name`. */
function counting<T>(name: KernelName, fn: () => T): { result: T; calls: number } {
  const kernels = getBackend().kernels as Record<string, unknown>;
  const original = kernels[name] as (...args: unknown[]) => unknown;
  let calls = 0;
  kernels[name] = (...args: unknown[]) => {
    calls++;
    return original(...args);
  };
  try {
    return { result: fn(), calls };
  } finally {
    kernels[name] = original;
  }
}

/** Running statistics and affine parameters far from their initial values. */
function randomizeBn(model: Module, seed: number): void {
  let s = seed;
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm2d)) continue;
    const c = [m.numFeatures];
    const values = [
      randomNormal(c, { seed: s++ }),
      randomNormal(c, { seed: s++ }),
      randomNormal(c, { seed: s++, std: 0.5 }),
      randomUniform(c, { seed: s++, min: 0.5, max: 2 }),
    ];
    m.weight.assign(values[0]!);
    m.bias.assign(values[1]!);
    m.runningMean.assign(values[2]!);
    m.runningVar.assign(values[3]!);
    dispose(values);
  }
}

/** Every child's forward in turn, never fused (the reference). */
function unfused(seq: Sequential, x: Tensor): Tensor {
  return tidy(() => {
    let y = x;
    for (const m of seq) y = m.forward(y);
    return y;
  });
}

const bn = (c: number) => new BatchNorm2d(c, { eps: 2e-5 });

describe('inference fusion of conv → BN (→ ReLU)', () => {
  it('Sequential runs conv → BN → ReLU and conv → BN as fused convs in eval mode only', () => {
    const seq = new Sequential(
      new Conv2d(4, 6, { kernelSize: 3, padding: 1 }),
      bn(6),
      new ReLU(),
      new IGCConv(6, 6, { primaryPartitions: 3 }),
      bn(6),
      new ReLU(),
      new Conv2d(6, 8, { kernelSize: 1, bias: true }),
      bn(8),
    );
    randomizeBn(seq, 10);
    const x = randomNormal([2, 4, 5, 5], { seed: 1 });
    seq.eval();
    const fused = counting('FusedConv2D', () => seq.forward(x));
    expect(fused.calls).toBe(3);
    const ref = unfused(seq, x);
    expect(maxAbs(ref)).toBeGreaterThan(0.5);
    expect(maxAbsDiff(fused.result, ref)).toBeLessThan(1e-5 * maxAbs(ref));
    // Training mode: batch statistics, nothing fused.
    seq.train();
    const trained = counting('FusedConv2D', () => seq.forward(x));
    expect(trained.calls).toBe(0);
    dispose([x, fused.result, ref, trained.result]);
    seq.dispose();
  });

  it('leaves a BN that does not follow a conv, and a lone conv, alone', () => {
    const seq = new Sequential(bn(3), new Conv2d(3, 3, { kernelSize: 1 }), new ReLU());
    randomizeBn(seq, 20);
    seq.eval();
    const x = randomNormal([1, 3, 4, 4], { seed: 2 });
    const out = counting('FusedConv2D', () => seq.forward(x));
    expect(out.calls).toBe(0);
    const ref = unfused(seq, x);
    expect(maxAbsDiff(out.result, ref)).toBe(0);
    dispose([x, out.result, ref]);
    seq.dispose();
  });

  it('BasicBlock with IGC units and a projection fuses all three conv → BN pairs', () => {
    const block = new BasicBlock({
      conv1: new IGCConv(8, 16, { primaryPartitions: 4, stride: 2 }),
      bn1: bn(16),
      conv2: new IGCConv(16, 16, { primaryPartitions: 4 }),
      bn2: bn(16),
      shortcut: new Projection(8, 16, { stride: 2, groups: 4 }),
    });
    randomizeBn(block, 30);
    block.eval();
    const x = randomNormal([2, 8, 6, 6], { seed: 3 });
    const before = memory().numTensors;
    const out = counting('FusedConv2D', () => block.forward(x));
    expect(out.calls).toBe(3);
    // Nothing but the output is left behind.
    expect(memory().numTensors).toBe(before + 1);
    const ref = tidy(() => {
      const a = relu(block.bn1.forward(block.conv1.forward(x)));
      const main = block.bn2.forward(block.conv2.forward(a));
      const sc = block.shortcut as Projection;
      return relu(add(main, sc.bn.forward(sc.conv.forward(x))));
    });
    expect(maxAbsDiff(out.result, ref)).toBeLessThan(1e-5 * maxAbs(ref));
    dispose([x, out.result, ref]);
    block.dispose();
  });

  it('in eval mode under a gradient recording it runs the ops, with the same values and gradients', () => {
    const seq = new Sequential(
      new IGCConv(6, 6, { primaryPartitions: 2 }),
      bn(6),
      new ReLU(),
      new Conv2d(6, 4, { kernelSize: 3, padding: 1 }),
      bn(4),
    );
    randomizeBn(seq, 40);
    seq.eval();
    const x = randomNormal([2, 6, 4, 4], { seed: 4 });
    const params = seq.parameters();
    const recorded = counting('FusedConv2D', () =>
      valueAndGrads(() => sum(seq.forward(x)), params),
    );
    expect(recorded.calls).toBe(0);
    const ref = valueAndGrads(() => sum(unfused(seq, x)), params);
    const plain = seq.forward(x);
    const total = sum(plain);
    const v = recorded.result.value.dataSync()[0]!;
    expect(Math.abs(v - ref.value.dataSync()[0]!)).toBeLessThan(1e-4 * Math.abs(v) + 1e-5);
    expect(Math.abs(v - total.dataSync()[0]!)).toBeLessThan(1e-4 * Math.abs(v) + 1e-5);
    recorded.result.grads.forEach((g, i) => {
      const r = ref.grads[i]!;
      expect(maxAbsDiff(g, r)).toBeLessThan(1e-5 * Math.max(1, maxAbs(r)));
    });
    dispose([
      x,
      plain,
      total,
      recorded.result.value,
      ...recorded.result.grads,
      ref.value,
      ...ref.grads,
    ]);
    seq.dispose();
  });
});

describe('training fusion of BN → ReLU', () => {
  afterEach(() => layersFlags.set('fuseBnRelu', undefined));

  const calls = (p: Profile, name: string): number =>
    p.kernels.find((k) => k.name === name)?.calls ?? 0;

  /** One recorded step of `model` (loss Σ y·w), profiled: value, gradients, running stats. */
  async function step(model: Module, x: Tensor, w: Tensor) {
    const params = model.parameters();
    const p = await profile(() => valueAndGrads(() => sum(mul(model.forward(x), w)), params));
    const running = model.namedBuffers().map(([, b]) => b.dataSync().slice());
    const out = [p.result.value, ...p.result.grads].map((t) => t.dataSync().slice());
    dispose([p.result.value, ...p.result.grads]);
    return { p, out, running };
  }

  function expectSame(a: ArrayLike<number>[], b: ArrayLike<number>[], what: string): void {
    expect(a.length).toBe(b.length);
    a.forEach((v, i) => {
      expect(
        Array.from(v).some((e) => e !== 0),
        `${what} ${i} is not all zeros`,
      ).toBe(true);
      // The CPU's fused kernels give the unfused kernels' bits.
      expect(Array.from(v), `${what} ${i}`).toEqual(Array.from(b[i]!));
    });
  }

  it('Sequential runs each BN → ReLU as one kernel forward and one backward, same numbers', async () => {
    const make = () => {
      const rng = new Random(9);
      const seq = new Sequential(
        new Conv2d(4, 6, { kernelSize: 3, padding: 1, rng }),
        bn(6),
        new ReLU(),
        new IGCConv(6, 6, { primaryPartitions: 3, rng }),
        bn(6),
        new ReLU(),
        new Conv2d(6, 8, { kernelSize: 1, rng }),
        bn(8),
      );
      randomizeBn(seq, 50);
      return seq;
    };
    const x = randomNormal([3, 4, 5, 5], { seed: 5 });
    const w = randomNormal([3, 8, 5, 5], { seed: 6 });
    const a = make();
    const fused = await step(a, x, w);
    expect(calls(fused.p, 'BatchNormReluTrain')).toBe(2);
    expect(calls(fused.p, 'BatchNormReluTrainGrad')).toBe(2);
    expect(calls(fused.p, 'BatchNormTrain')).toBe(1);
    expect(calls(fused.p, 'BatchNormTrainGrad')).toBe(1);
    for (const k of ['Relu', 'Step']) expect(calls(fused.p, k), k).toBe(0);
    layersFlags.set('fuseBnRelu', false);
    const b = make();
    const apart = await step(b, x, w);
    expect(calls(apart.p, 'BatchNormReluTrain')).toBe(0);
    expect(calls(apart.p, 'BatchNormTrain')).toBe(3);
    expect(calls(apart.p, 'Relu')).toBe(2);
    expect(calls(apart.p, 'Step')).toBe(2);
    expect(apart.p.calls).toBeGreaterThan(fused.p.calls);
    expectSame(fused.out, apart.out, 'value and gradients');
    expectSame(fused.running, apart.running, 'running statistics');
    dispose([x, w]);
    a.dispose();
    b.dispose();
  });

  it('BasicBlock fuses BN1 → ReLU; BN2 and the shortcut BN stay apart', async () => {
    const block = new BasicBlock({
      conv1: new IGCConv(8, 16, { primaryPartitions: 4, stride: 2 }),
      bn1: bn(16),
      conv2: new IGCConv(16, 16, { primaryPartitions: 4 }),
      bn2: bn(16),
      shortcut: new Projection(8, 16, { stride: 2, groups: 4 }),
    });
    const x = randomNormal([2, 8, 6, 6], { seed: 7 });
    const w = randomNormal([2, 16, 3, 3], { seed: 8 });
    const before = memory().numTensors;
    const { p } = await step(block, x, w);
    expect(calls(p, 'BatchNormReluTrain')).toBe(1);
    expect(calls(p, 'BatchNormTrain')).toBe(2);
    // The ReLU after the shortcut's addition.
    expect(calls(p, 'Relu')).toBe(1);
    expect(memory().numTensors).toBe(before);
    dispose([x, w]);
    block.dispose();
  });
});
