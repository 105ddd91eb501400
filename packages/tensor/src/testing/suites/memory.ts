import { describe, expect } from 'vitest';
import type { Tensor } from '../../core/tensor.js';
import { type Variable, variable } from '../../core/variable.js';
import { dispose, keep, memory, tidy, valueAndGrads } from '../../engine/api.js';
import type { MemoryInfo } from '../../engine/engine.js';
import { batchNorm } from '../../ops/batchnorm.js';
import { conv2d } from '../../ops/conv.js';
import { heNormal, ones, zeros } from '../../ops/creation.js';
import { add, mul, relu } from '../../ops/elementwise.js';
import { channelShuffle } from '../../ops/layout.js';
import { softmaxCrossEntropy } from '../../ops/loss.js';
import { matmul } from '../../ops/matmul.js';
import { globalAvgPool } from '../../ops/pool.js';
import { sum } from '../../ops/reduction.js';
import { sgdUpdate } from '../../ops/sgd.js';
import { ints, randn, toTensor } from '../data.js';
import type { Kit } from '../kit.js';

/** The figures that must not move from one training step to the next. */
function counts(m: MemoryInfo): { numTensors: number; numDataBuffers: number; numBytes: number } {
  return { numTensors: m.numTensors, numDataBuffers: m.numDataBuffers, numBytes: m.numBytes };
}

async function allFinite(t: Tensor): Promise<boolean> {
  return Array.from(await t.data()).every(Number.isFinite);
}

/** A small IGC-shaped network trained for 100 steps must hold exactly as much memory at the end. */
export function memorySuite(kit: Kit): void {
  describe('memory', () => {
    kit.test(
      'live tensors and bytes stay flat over 100 training steps',
      [
        'Conv2D',
        'BatchNormTrain',
        'BatchNormTrainGrad',
        'Relu',
        'ChannelShuffle',
        'Sum',
        'MatMul',
        'SoftmaxCrossEntropy',
        'SGDUpdate',
      ],
      async () => {
        const rng = kit.rng(1600);
        const [n, hw] = kit.pick([4, 8], [2, 4]);
        const [l, m, classes] = [3, 4, 5];
        const c = l * m;
        const x = toTensor(randn(rng, [n, 3, hw, hw]));
        const labels = toTensor(ints(rng, [n], 0, classes), 'int32');
        const params: Variable[] = [
          variable(heNormal([c, 3, 3, 3], { rng })),
          variable(ones([c])),
          variable(zeros([c])),
          variable(heNormal([c, c / m, 1, 1], { rng })),
          variable(heNormal([c, classes], { rng })),
        ];
        const runningMean = variable(zeros([c]), { trainable: false });
        const runningVar = variable(ones([c]), { trainable: false });
        const velocities = params.map((p) => variable(zeros(p.shape)));
        const [w1, gamma, beta, w2, fc] = params as [
          Variable,
          Variable,
          Variable,
          Variable,
          Variable,
        ];
        const loss = (): Tensor => {
          let h = conv2d(x, w1, { padding: 1 });
          h = batchNorm(h, gamma, beta, { training: true, runningMean, runningVar });
          h = channelShuffle(relu(h), l);
          // The secondary group conv: M groups of L channels, stride 2 on the way.
          h = conv2d(h, w2, { groups: m, stride: 2 });
          return softmaxCrossEntropy(matmul(globalAvgPool(h), fc), labels);
        };
        const step = (): void =>
          tidy(() => {
            const { grads } = valueAndGrads(loss, params);
            params.forEach((p, i) => {
              sgdUpdate(p, grads[i]!, velocities[i]!, {
                lr: 0.05,
                momentum: 0.9,
                weightDecay: 1e-4,
              });
            });
          });
        try {
          const baseline = counts(memory());
          const first = tidy(() => keep(loss()));
          const firstLoss = await first.item();
          first.dispose();
          const seen: ReturnType<typeof counts>[] = [];
          const backendBytes: number[] = [];
          for (let s = 0; s < 100; s++) {
            step();
            const mem = memory();
            seen.push(counts(mem));
            backendBytes.push(mem.backendBytes);
          }
          expect(seen[0], 'after step 1 versus before training').toEqual(baseline);
          seen.forEach((s, i) => {
            expect(s, `memory after step ${i + 1} versus step 1`).toEqual(seen[0]);
          });
          if (!kit.backend().memory().unreliable) {
            expect(
              backendBytes[99],
              "the backend's own byte count after step 100 versus step 1",
            ).toBe(backendBytes[0]);
          }
          const last = tidy(() => keep(loss()));
          const lastLoss = await last.item();
          last.dispose();
          expect(Number.isFinite(lastLoss), `loss after 100 steps is ${lastLoss}`).toBe(true);
          expect(lastLoss, 'training on one batch lowers its loss').toBeLessThan(firstLoss);
          for (const p of [...params, runningMean, runningVar, ...velocities]) {
            expect(await allFinite(p), `${p.name} holds only finite values`).toBe(true);
          }
        } finally {
          dispose([...params, runningMean, runningVar, ...velocities]);
        }
      },
    );

    kit.test('tidy frees intermediates and hands its result outward', ['Add', 'Mul'], async () => {
      const x = toTensor(randn(kit.rng(1601), [3, 4]));
      const before = memory();
      tidy(() => {
        const a = add(x, 1);
        mul(a, a);
      });
      expect(counts(memory()), 'after a tidy that returns nothing').toEqual(counts(before));
      const r = tidy(() => mul(add(x, 1), 2));
      expect(memory().numTensors).toBe(before.numTensors + 1);
      expect(memory().numBytes).toBe(before.numBytes + 4 * 12);
      r.dispose();
      const nested = tidy(() => {
        const inner = tidy(() => add(x, 2));
        add(inner, 1);
        return { inner };
      });
      expect(memory().numTensors).toBe(before.numTensors + 1);
      nested.inner.dispose();
      expect(counts(memory())).toEqual(counts(before));
    });

    kit.test('keep survives its tidy; dispose frees, once', ['Add'], async () => {
      const before = memory();
      let kept: Tensor | undefined;
      tidy(() => {
        kept = keep(add(toTensor(randn(kit.rng(1602), [5])), 1));
      });
      expect(memory().numTensors).toBe(before.numTensors + 1);
      expect((await kept!.data()).length).toBe(5);
      kept!.dispose();
      kept!.dispose();
      expect(counts(memory())).toEqual(counts(before));
      await expect(kept!.data()).rejects.toThrow(/was disposed/);
    });

    kit.test('valueAndGrads leaves only the value and the gradients', ['Mul', 'Sum'], async () => {
      const x = toTensor(randn(kit.rng(1603), [4]));
      const before = memory();
      const { value, grads } = valueAndGrads(() => sum(mul(mul(x, x), 3)), [x]);
      expect(memory().numTensors).toBe(before.numTensors + 2);
      dispose([value, ...grads]);
      expect(counts(memory())).toEqual(counts(before));
    });
  });
}
