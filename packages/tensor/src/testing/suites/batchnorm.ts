import { describe } from 'vitest';
import { variable } from '../../core/variable.js';
import { ENGINE } from '../../engine/engine.js';
import { batchNorm } from '../../ops/batchnorm.js';
import { expectClose } from '../compare.js';
import { randn, toTensor, uniform } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/batchnorm.js';
import { nd } from '../reference/nd.js';

const SHAPES: readonly (readonly number[])[] = [
  [4, 3, 5, 5],
  [2, 7, 1, 1],
  [1, 1, 3, 4],
  [8, 5],
];

/** Batch norm: the training kernel's three outputs, running statistics, inference, gradients. */
export function batchNormSuite(kit: Kit): void {
  describe('batchNorm', () => {
    for (const shape of SHAPES) {
      kit.test(
        `BatchNormTrain [${shape}]: y, mean and biased variance`,
        ['BatchNormTrain'],
        async () => {
          const rng = kit.rng(1200);
          const c = shape[1]!;
          // A large offset: a one-pass variance (E[x²] − E[x]²) loses its digits to cancellation.
          const x = randn(rng, shape, 2, 30);
          const gamma = uniform(rng, [c], 0.5, 1.5);
          const beta = randn(rng, [c]);
          const r = ref.batchNormTrain(x, gamma, beta, 1e-5);
          const [y, m, v] = ENGINE.runKernel(
            'BatchNormTrain',
            { x: toTensor(x), gamma: toTensor(gamma), beta: toTensor(beta) },
            { eps: 1e-5 },
          );
          await expectClose(y!, r.y, kit.opts, 'y');
          await expectClose(m!, r.mean, kit.opts, 'batch mean');
          await expectClose(v!, r.variance, kit.opts, 'batch variance');
        },
      );
    }
    for (const shape of SHAPES) {
      kit.test(
        `BatchNormTrainGrad [${shape}]: dx, dgamma, dbeta`,
        ['BatchNormTrainGrad'],
        async () => {
          const rng = kit.rng(1203);
          const c = shape[1]!;
          const x = randn(rng, shape, 2, 3);
          const gamma = uniform(rng, [c], 0.5, 1.5);
          const dy = randn(rng, shape);
          // The statistics BatchNormTrain would have returned, rounded to float32 as it would.
          const stats = ref.batchStats(x);
          const mean = nd([c], Array.from(stats.mean.data, Math.fround));
          const variance = nd([c], Array.from(stats.variance.data, Math.fround));
          const r = ref.batchNormTrainGrad(dy, x, gamma, mean, variance, 1e-5);
          const [dx, dgamma, dbeta] = ENGINE.runKernel(
            'BatchNormTrainGrad',
            {
              dy: toTensor(dy),
              x: toTensor(x),
              gamma: toTensor(gamma),
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
    for (const momentum of [0.1, 0.3]) {
      kit.test(
        `batchNorm training moves running stats (momentum ${momentum}, unbiased variance)`,
        ['BatchNormTrain', 'Mul', 'Add'],
        async () => {
          const rng = kit.rng(1201);
          const x = randn(rng, [3, 4, 2, 3], 1.5, 0.5);
          const gamma = uniform(rng, [4], 0.5, 1.5);
          const beta = randn(rng, [4]);
          const rm0 = randn(rng, [4]);
          const rv0 = uniform(rng, [4], 0.5, 2);
          const runningMean = variable(toTensor(rm0));
          const runningVar = variable(toTensor(rv0));
          try {
            const y = batchNorm(toTensor(x), toTensor(gamma), toTensor(beta), {
              training: true,
              runningMean,
              runningVar,
              momentum,
            });
            await expectClose(y, ref.batchNormTrain(x, gamma, beta, 1e-5).y, kit.opts, 'y');
            const r = ref.runningUpdate(rm0, rv0, x, momentum);
            await expectClose(runningMean, r.mean, kit.opts, 'running mean');
            await expectClose(runningVar, r.variance, kit.opts, 'running variance');
          } finally {
            runningMean.dispose();
            runningVar.dispose();
          }
        },
      );
    }
    for (const shape of SHAPES) {
      kit.test(
        `BatchNormInfer [${shape}] uses the given statistics`,
        ['BatchNormInfer'],
        async () => {
          const rng = kit.rng(1202);
          const c = shape[1]!;
          const x = randn(rng, shape);
          const [gamma, beta, m] = [uniform(rng, [c], 0.5, 1.5), randn(rng, [c]), randn(rng, [c])];
          const v = uniform(rng, [c], 0.2, 2);
          const runningMean = variable(toTensor(m));
          const runningVar = variable(toTensor(v));
          try {
            const y = batchNorm(toTensor(x), toTensor(gamma), toTensor(beta), {
              training: false,
              runningMean,
              runningVar,
              eps: 1e-3,
            });
            await expectClose(y, ref.batchNormInfer(x, gamma, beta, m, v, 1e-3), kit.opts, 'y');
          } finally {
            runningMean.dispose();
            runningVar.dispose();
          }
        },
      );
    }

    describe('gradients', () => {
      for (const shape of [
        [3, 2, 2, 3],
        [6, 3],
        [2, 1, 1, 3],
      ]) {
        kit.test(
          `d BatchNormTrain [${shape}]: dx, dgamma, dbeta`,
          ['BatchNormTrain', 'BatchNormTrainGrad'],
          async () => {
            const rng = kit.rng(1210);
            const c = shape[1]!;
            const x = randn(rng, shape);
            const gamma = uniform(rng, [c], 0.5, 1.5);
            const beta = randn(rng, [c]);
            await checkGradients(
              kit,
              rng,
              {
                inputs: [x, gamma, beta],
                wrt: [0, 1, 2],
                op: ([xt, g, b]) => batchNorm(xt!, g!, b!, { training: true }),
                ref: ([xr, g, b]) => ref.batchNormTrain(xr!, g!, b!, 1e-5).y,
              },
              'd batchNorm train',
            );
          },
        );
        kit.test(`d BatchNormInfer [${shape}]: dx, dgamma, dbeta`, ['BatchNormInfer'], async () => {
          const rng = kit.rng(1211);
          const c = shape[1]!;
          const x = randn(rng, shape);
          const gamma = uniform(rng, [c], 0.5, 1.5);
          const beta = randn(rng, [c]);
          const m = randn(rng, [c]);
          const v = uniform(rng, [c], 0.5, 2);
          const runningMean = variable(toTensor(m));
          const runningVar = variable(toTensor(v));
          try {
            await checkGradients(
              kit,
              rng,
              {
                inputs: [x, gamma, beta],
                wrt: [0, 1, 2],
                op: ([xt, g, b]) =>
                  batchNorm(xt!, g!, b!, { training: false, runningMean, runningVar }),
                ref: ([xr, g, b]) => ref.batchNormInfer(xr!, g!, b!, m, v, 1e-5),
              },
              'd batchNorm infer',
            );
          } finally {
            runningMean.dispose();
            runningVar.dispose();
          }
        });
      }
    });
  });
}
