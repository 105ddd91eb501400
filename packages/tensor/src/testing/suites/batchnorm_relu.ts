import { describe, expect } from 'vitest';
import type { Backend } from '../../core/backend.js';
import type { Tensor } from '../../core/tensor.js';
import { variable } from '../../core/variable.js';
import { valueAndGrads } from '../../engine/api.js';
import { ENGINE } from '../../engine/engine.js';
import { registerBackend, removeBackend, setBackend } from '../../engine/registry.js';
import { batchNorm, batchNormRelu } from '../../ops/batchnorm.js';
import { mul, relu, step } from '../../ops/elementwise.js';
import { sum } from '../../ops/reduction.js';
import type { Random } from '../../random/prng.js';
import { expectClose } from '../compare.js';
import { randn, toTensor, uniform } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/batchnorm.js';
import { type Nd, nd } from '../reference/nd.js';
import { withoutKernels } from './missing.js';

const SHAPES: readonly (readonly number[])[] = [
  [4, 3, 5, 5],
  [2, 7, 1, 1],
  [1, 1, 3, 4],
  [8, 5],
];

/** x, γ and β; β about 0 so that the ReLU clamps about half of every channel. */
function inputs(rng: Random, shape: readonly number[]): { x: Nd; gamma: Nd; beta: Nd } {
  const c = shape[1]!;
  return {
    x: randn(rng, shape, 2, 3),
    gamma: uniform(rng, [c], 0.5, 1.5),
    beta: randn(rng, [c], 0.3),
  };
}

/**
 * Inputs whose normalised values all keep `gap` away from 0, so that no finite-difference step
 * moves one across the ReLU's kink (where the derivative jumps).
 */
function awayFromKink(rng: Random, shape: readonly number[], gap = 0.05) {
  for (;;) {
    const p = inputs(rng, shape);
    const z = ref.batchNormTrain(p.x, p.gamma, p.beta, 1e-5).y;
    if (z.data.every((v) => Math.abs(v) > gap)) return p;
  }
}

/** f32-rounded copy (what a kernel's saved output holds). */
const f32 = (a: Nd): Nd => nd(a.shape, Array.from(a.data, Math.fround));

/** Runs `fn` on the backend under test with `omit` taken out, then restores the backend. */
async function without(
  kit: Kit,
  kitBackendName: () => string,
  omit: Parameters<typeof withoutKernels>[1],
  fn: (b: Backend) => Promise<void>,
): Promise<void> {
  const wrapper = withoutKernels(kit.backend(), omit);
  const name = `${kitBackendName()}:${wrapper.name}`;
  registerBackend(name, () => wrapper, -1);
  try {
    await fn(await setBackend(name));
  } finally {
    await setBackend(kitBackendName());
    removeBackend(name);
  }
}

/**
 * Batch norm + ReLU for training, fused: the forward kernel's outputs (with NaN, −0 and constant
 * channels), its gradient kernel with a masked-out infinity, both against the composition of
 * BatchNormTrain, Relu, Step and Mul, gradients against finite differences, running statistics,
 * and `batchNormRelu` on backends lacking either kernel.
 */
export function batchNormReluSuite(kit: Kit, kitBackendName: () => string): void {
  describe('batchNormRelu', () => {
    for (const shape of SHAPES) {
      kit.test(
        `BatchNormReluTrain [${shape}]: y, mean and biased variance; y = Relu(BatchNormTrain)`,
        ['BatchNormReluTrain'],
        async () => {
          const p = inputs(kit.rng(1300), shape);
          const r = ref.batchNormReluTrain(p.x, p.gamma, p.beta, 1e-5);
          const t = [toTensor(p.x), toTensor(p.gamma), toTensor(p.beta)] as const;
          const [y, m, v] = ENGINE.runKernel(
            'BatchNormReluTrain',
            { x: t[0], gamma: t[1], beta: t[2] },
            { eps: 1e-5 },
          );
          await expectClose(y!, r.y, kit.opts, 'y');
          await expectClose(m!, r.mean, kit.opts, 'batch mean');
          await expectClose(v!, r.variance, kit.opts, 'batch variance');
          const [z] = ENGINE.runKernel(
            'BatchNormTrain',
            { x: t[0], gamma: t[1], beta: t[2] },
            { eps: 1e-5 },
          );
          const composed = await relu(z!).data();
          await expectClose(y!, nd(shape, Array.from(composed)), kit.opts, 'y against Relu(BN)');
          const clamped = Array.from(await y!.data()).filter((u) => u === 0).length;
          expect(clamped, 'some outputs clamped').toBeGreaterThan(0);
        },
      );
    }

    kit.test(
      'BatchNormReluTrain: NaN stays NaN, a constant channel gives relu(β), never −0',
      ['BatchNormReluTrain'],
      async () => {
        // Channel 0 holds a NaN; channel 1 is constant (variance 0) with β = 0.5; channel 2 is
        // constant with γ = −1, β = −0, so its pre-activation is ±0.
        const x = nd([2, 3, 1, 2], [1, Number.NaN, 3, 3, 7, 7, 2, 5, 3, 3, 7, 7]);
        const gamma = nd([3], [1, 1, -1]);
        const beta = nd([3], [0.2, 0.5, -0]);
        const [y, mean] = ENGINE.runKernel(
          'BatchNormReluTrain',
          { x: toTensor(x), gamma: toTensor(gamma), beta: toTensor(beta) },
          { eps: 1e-5 },
        );
        const v = await y!.data();
        const at = (b: number, ch: number, i: number): number => v[(b * 3 + ch) * 2 + i]!;
        for (const b of [0, 1]) {
          for (const i of [0, 1]) {
            expect(Number.isNaN(at(b, 0, i)), `NaN channel [${b},0,${i}]`).toBe(true);
            expect(at(b, 1, i), `constant channel [${b},1,${i}]`).toBeCloseTo(0.5, 5);
            expect(Object.is(at(b, 2, i), 0), `+0 at [${b},2,${i}], got ${at(b, 2, i)}`).toBe(true);
          }
        }
        const m = await mean!.data();
        expect(Number.isNaN(m[0]!)).toBe(true);
        expect(Array.from(m.slice(1))).toEqual([3, 7]);
      },
    );

    for (const shape of SHAPES) {
      kit.test(
        `BatchNormReluTrainGrad [${shape}]: dx, dgamma, dbeta; dy masked where y ≤ 0, ∞ included`,
        ['BatchNormReluTrainGrad'],
        async () => {
          const rng = kit.rng(1301);
          const p = inputs(rng, shape);
          const fwd = ref.batchNormReluTrain(p.x, p.gamma, p.beta, 1e-5);
          const [y, mean, variance] = [f32(fwd.y), f32(fwd.mean), f32(fwd.variance)];
          const dy = randn(rng, shape);
          // An infinite dy where the ReLU clamped must not reach dx (the kernel masks, it does
          // not multiply by 0).
          const clamped = y.data.indexOf(0);
          expect(clamped).toBeGreaterThanOrEqual(0);
          dy.data[clamped] = Number.POSITIVE_INFINITY;
          const r = ref.batchNormReluTrainGrad(dy, y, p.x, p.gamma, mean, variance, 1e-5);
          const [dx, dgamma, dbeta] = ENGINE.runKernel(
            'BatchNormReluTrainGrad',
            {
              dy: toTensor(dy),
              y: toTensor(y),
              x: toTensor(p.x),
              gamma: toTensor(p.gamma),
              mean: toTensor(mean),
              variance: toTensor(variance),
            },
            { eps: 1e-5 },
          );
          await expectClose(dx!, r.dx, kit.opts, 'dx');
          await expectClose(dgamma!, r.dgamma, kit.opts, 'dgamma');
          await expectClose(dbeta!, r.dbeta, kit.opts, 'dbeta');
        },
      );
    }

    kit.test(
      'BatchNormReluTrainGrad agrees with Step, Mul and BatchNormTrainGrad',
      ['BatchNormReluTrain', 'BatchNormReluTrainGrad', 'BatchNormTrainGrad', 'Step', 'Mul'],
      async () => {
        const rng = kit.rng(1302);
        const p = inputs(rng, [3, 4, 3, 5]);
        const x = toTensor(p.x);
        const gamma = toTensor(p.gamma);
        const [y, mean, variance] = ENGINE.runKernel(
          'BatchNormReluTrain',
          { x, gamma, beta: toTensor(p.beta) },
          { eps: 2e-5 },
        ) as [Tensor, Tensor, Tensor];
        const dy = toTensor(randn(rng, [3, 4, 3, 5]));
        const stats = { gamma, mean, variance };
        const fused = ENGINE.runKernel(
          'BatchNormReluTrainGrad',
          { dy, y, x, ...stats },
          { eps: 2e-5 },
        );
        const composed = ENGINE.runKernel(
          'BatchNormTrainGrad',
          { dy: mul(dy, step(y)), x, ...stats },
          { eps: 2e-5 },
        );
        for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
          const want = composed[i]!;
          await expectClose(
            fused[i]!,
            nd(want.shape, Array.from(await want.data())),
            kit.opts,
            what,
          );
        }
      },
    );

    describe('gradients', () => {
      for (const shape of [
        [3, 2, 2, 3],
        [6, 3],
        [2, 1, 1, 3],
      ]) {
        kit.test(
          `d batchNormRelu [${shape}] (training): dx, dgamma, dbeta against finite differences`,
          ['BatchNormReluTrain', 'BatchNormReluTrainGrad'],
          async () => {
            const rng = kit.rng(1310);
            const p = awayFromKink(rng, shape);
            await checkGradients(
              kit,
              rng,
              {
                inputs: [p.x, p.gamma, p.beta],
                wrt: [0, 1, 2],
                op: ([xt, g, b]) => batchNormRelu(xt!, g!, b!, { training: true }),
                ref: ([xr, g, b]) => ref.batchNormReluTrain(xr!, g!, b!, 1e-5).y,
              },
              'd batchNormRelu train',
            );
          },
        );
      }
    });

    kit.test(
      'batchNormRelu moves the running statistics as batchNorm does',
      ['BatchNormReluTrain', 'Mul', 'Add'],
      async () => {
        const rng = kit.rng(1311);
        const p = inputs(rng, [3, 4, 2, 3]);
        const rm0 = randn(rng, [4]);
        const rv0 = uniform(rng, [4], 0.5, 2);
        const runningMean = variable(toTensor(rm0));
        const runningVar = variable(toTensor(rv0));
        try {
          const y = batchNormRelu(toTensor(p.x), toTensor(p.gamma), toTensor(p.beta), {
            training: true,
            runningMean,
            runningVar,
            momentum: 0.3,
          });
          await expectClose(y, ref.batchNormReluTrain(p.x, p.gamma, p.beta, 1e-5).y, kit.opts, 'y');
          const r = ref.runningUpdate(rm0, rv0, p.x, 0.3);
          await expectClose(runningMean, r.mean, kit.opts, 'running mean');
          await expectClose(runningVar, r.variance, kit.opts, 'running variance');
          // Inference: running statistics, then ReLU.
          const e = batchNormRelu(toTensor(p.x), toTensor(p.gamma), toTensor(p.beta), {
            training: false,
            runningMean,
            runningVar,
          });
          const inf = ref.batchNormInfer(p.x, p.gamma, p.beta, r.mean, r.variance, 1e-5);
          await expectClose(e, ref.reluRef(inf), kit.opts, 'inference y');
        } finally {
          runningMean.dispose();
          runningVar.dispose();
        }
      },
    );

    // The fallbacks: the composition when the backend lacks the forward kernel, and the masked
    // BatchNormTrainGrad when it lacks only the gradient kernel.
    for (const omit of [
      ['BatchNormReluTrain', 'BatchNormReluTrainGrad'],
      ['BatchNormReluTrainGrad'],
    ] as const) {
      kit.test(
        `batchNormRelu on a backend without ${omit.join(' and ')}: same values and gradients`,
        ['BatchNormTrain', 'BatchNormTrainGrad', 'Relu', 'Step', 'Mul'],
        async () => {
          const rng = kit.rng(1312);
          const p = awayFromKink(rng, [2, 3, 2, 2]);
          const w = randn(rng, [2, 3, 2, 2]);
          const run = async (): Promise<Float32Array[]> => {
            const ts = [toTensor(p.x), toTensor(p.gamma), toTensor(p.beta)];
            const wt = toTensor(w);
            const { value, grads } = valueAndGrads(
              () => sum(mul(batchNormRelu(ts[0]!, ts[1]!, ts[2]!, { training: true }), wt)),
              ts,
            );
            const out: Float32Array[] = [];
            for (const t of [value, ...grads]) out.push(Float32Array.from(await t.data()));
            return out;
          };
          const want = await run();
          await without(kit, kitBackendName, omit, async (b) => {
            expect(b.kernels.BatchNormReluTrainGrad).toBeUndefined();
            const got = await run();
            for (const [i, g] of got.entries()) {
              const w0 = want[i]!;
              await expectClose(
                toTensor(nd([g.length], Array.from(g))),
                nd([w0.length], Array.from(w0)),
                kit.opts,
                `output ${i}`,
              );
            }
            // batchNorm is unchanged by all this.
            const y = batchNorm(toTensor(p.x), toTensor(p.gamma), toTensor(p.beta), {
              training: true,
            });
            await expectClose(y, ref.batchNormTrain(p.x, p.gamma, p.beta, 1e-5).y, kit.opts, 'y');
          });
        },
      );
    }
  });
}
