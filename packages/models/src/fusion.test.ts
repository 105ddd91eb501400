import { BatchNorm2d } from '@igcnet/layers';
import {
  dispose,
  getBackend,
  randomNormal,
  randomUniform,
  type Tensor,
  valueAndGrads,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
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
      expect(relDiff(fused, composed)).toBeLessThan(1e-5);
      dispose([x, fused, composed, ...grads]);
      model.dispose();
    });
  }
});
