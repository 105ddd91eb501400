import { BasicBlock, BatchNorm2d, layersFlags } from '@igcnet/layers';
import {
  dispose,
  getBackend,
  type Profile,
  profile,
  randomNormal,
  randomUniform,
  sgdUpdate,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  tidy,
  valueAndGrads,
  variable,
  zeros,
} from '@igcnet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from './zoo/registry.js';

/** max |a − b| / max |b|. */
function relDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let d = 0;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    m = Math.max(m, Math.abs(y[i]!));
  }
  return d / m;
}

describe('zoo models in eval mode run every conv → BN as one fused conv', () => {
  for (const [name, hw] of [
    ['igc-l4m8-d8', 8],
    ['igc-l24m2-ident-d8', 8],
    ['regconv-w16-ident-d8', 8],
    ['resnet18', 32],
    ['igcv3-cifar-w0.5', 8],
    ['mobilenetv2-imagenet', 32],
  ] as const) {
    it(`${name}: one FusedConv2D per BN, and the logits of the unfused ops`, () => {
      const model = createModel(name, { numClasses: 10, seed: 1 });
      // Running statistics away from (0, 1), so a BN applied wrongly would show.
      let seed = 100;
      let bns = 0;
      for (const [, m] of model.namedModules()) {
        if (!(m instanceof BatchNorm2d)) continue;
        bns++;
        const c = [m.numFeatures];
        const mean = randomNormal(c, { seed: seed++, std: 0.2 });
        const variance = randomUniform(c, { seed: seed++, min: 0.5, max: 2 });
        m.runningMean.assign(mean);
        m.runningVar.assign(variance);
        dispose([mean, variance]);
      }
      model.eval();
      const x = randomNormal([2, 3, hw, hw], { seed: 2 });
      const kernels = getBackend().kernels as Record<string, unknown>;
      const original = kernels.FusedConv2D as (...args: unknown[]) => unknown;
      let calls = 0;
      kernels.FusedConv2D = (...args: unknown[]) => {
        calls++;
        return original(...args);
      };
      let fused: Tensor;
      try {
        fused = model.forward(x);
      } finally {
        kernels.FusedConv2D = original;
      }
      expect(calls).toBe(bns);
      // Under a recording the same forward runs the ops one by one.
      const w = model.parameters()[0]!;
      const { value: composed, grads } = valueAndGrads(() => model.forward(x), [w]);
      // The CPU backend folds each BN into its conv's weights (as onnxruntime does), which rounds
      // once more per fused layer: the bound grows with the layers (igcv3-cifar-w0.5, 98 of
      // them, differs by 2.8e-5).
      expect(relDiff(fused, composed)).toBeLessThan(Math.max(1e-5, bns * 1e-6));
      dispose([x, fused, composed, ...grads]);
      model.dispose();
    });
  }
});

describe('zoo models in training run every BN → ReLU as one fused kernel', () => {
  afterEach(() => layersFlags.set('fuseBnRelu', undefined));

  /** Three Nesterov SGD steps from seed 1; the weights after them, and the last step's profile. */
  async function train(name: string, fuse: boolean) {
    layersFlags.set('fuseBnRelu', fuse);
    const model = createModel(name, { numClasses: 10, seed: 1 });
    model.train();
    const params = model.parameters();
    const vel = params.map((p) => variable(zeros(p.shape)));
    const x = randomNormal([4, 3, 8, 8], { seed: 3 });
    const labels = tensor(Int32Array.of(1, 7, 3, 3), [4], 'int32');
    let last: Profile | undefined;
    for (let s = 0; s < 3; s++) {
      last = await profile(() =>
        tidy(() => {
          const { grads } = valueAndGrads(
            () => softmaxCrossEntropy(model.forward(x), labels),
            params,
          );
          params.forEach((p, i) => {
            sgdUpdate(p, grads[i]!, vel[i]!, { lr: 0.1, momentum: 0.9, nesterov: true });
          });
        }),
      );
    }
    const weights = [...params, ...model.namedBuffers().map(([, b]) => b)].map((p) =>
      Array.from(p.dataSync()),
    );
    const count = (type: typeof BatchNorm2d | typeof BasicBlock) =>
      [...model.namedModules()].filter(([, m]) => m instanceof type).length;
    const counts = { bns: count(BatchNorm2d), blocks: count(BasicBlock) };
    dispose([x, labels, ...vel]);
    model.dispose();
    return { weights, profile: last!, ...counts };
  }

  const calls = (p: Profile, k: string) => p.kernels.find((r) => r.name === k)?.calls ?? 0;

  for (const [name, pairs] of [
    // Plain: every BN is followed by a ReLU.
    ['igc-l24m2-d8', (n: { bns: number }) => n.bns],
    // +Ident.: the stem's BN and each block's first; the second BN feeds the addition.
    ['igc-l4m8-ident-d8', (n: { blocks: number }) => 1 + n.blocks],
  ] as const) {
    it(`${name}: fused kernels, reproducible weights, the same bits as unfused`, async () => {
      const a = await train(name, true);
      const b = await train(name, true);
      const c = await train(name, false);
      const fusedPairs = pairs(a);
      expect(calls(a.profile, 'BatchNormReluTrain')).toBe(fusedPairs);
      expect(calls(a.profile, 'BatchNormReluTrainGrad')).toBe(fusedPairs);
      expect(calls(c.profile, 'BatchNormReluTrain')).toBe(0);
      expect(calls(c.profile, 'Step')).toBeGreaterThanOrEqual(fusedPairs);
      expect(b.weights).toEqual(a.weights);
      expect(c.weights).toEqual(a.weights);
    });
  }
});
