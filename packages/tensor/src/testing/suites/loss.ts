import { describe } from 'vitest';
import {
  logSoftmax,
  oneHot,
  type Reduction,
  softmax,
  softmaxCrossEntropy,
} from '../../ops/loss.js';
import { expectClose, expectExact } from '../compare.js';
import { ints, randn, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/loss.js';
import { type Nd, nd } from '../reference/nd.js';
import { mean, sum } from '../reference/reduce.js';

function reduceLoss(losses: Nd, reduction: Reduction): Nd {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? sum(losses, [0]) : mean(losses, [0]);
}

/** Softmax, log-softmax, cross-entropy with int32 labels, one-hot; stable for large logits. */
export function lossSuite(kit: Kit): void {
  describe('classification', () => {
    const SHAPES: readonly [readonly number[], number][] = [
      [[4, 7], 3],
      [[2, 3, 5], 3],
      [[5, 1], 1],
      [[3, 10], 60],
    ];
    for (const [shape, std] of SHAPES) {
      kit.test(
        `Softmax and LogSoftmax [${shape}], logits of scale ${std}`,
        ['Softmax', 'LogSoftmax'],
        async () => {
          // Offset logits: a naive exp overflows float32 above ~88.
          const x = randn(kit.rng(1300), shape, std, 50);
          await expectClose(softmax(toTensor(x)), ref.softmax(x), kit.opts, 'softmax');
          await expectClose(logSoftmax(toTensor(x)), ref.logSoftmax(x), kit.opts, 'logSoftmax');
        },
      );
    }
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      kit.test(
        `SoftmaxCrossEntropy ${reduction} with int32 labels`,
        ['SoftmaxCrossEntropy'],
        async () => {
          const rng = kit.rng(1301);
          const logits = randn(rng, [6, 5], 3, 40);
          const labels = ints(rng, [6], 0, 5);
          await expectClose(
            softmaxCrossEntropy(toTensor(logits), toTensor(labels, 'int32'), reduction),
            reduceLoss(ref.softmaxCrossEntropy(logits, labels.data), reduction),
            kit.opts,
            `crossEntropy ${reduction}`,
          );
        },
      );
    }
    kit.test('OneHot of rank 1 and 2 indices, out-of-range gives zeros', ['OneHot'], async () => {
      const a = nd([5], [0, 3, 1, 3, 2]);
      await expectExact(
        oneHot(toTensor(a, 'int32'), 4),
        ref.oneHot(a, 4),
        'float32',
        'oneHot rank 1',
      );
      const b = nd([2, 3], [-1, 0, 4, 5, 2, 1]);
      await expectExact(
        oneHot(toTensor(b, 'int32'), 5),
        ref.oneHot(b, 5),
        'float32',
        'oneHot rank 2',
      );
      await expectExact(
        oneHot(toTensor(a, 'int32'), 1),
        ref.oneHot(a, 1),
        'float32',
        'oneHot depth 1',
      );
    });

    describe('gradients', () => {
      kit.test('d Softmax', ['Softmax'], async () => {
        const x = randn(kit.rng(1310), [3, 5]);
        await checkGradients(
          kit,
          kit.rng(1311),
          { inputs: [x], wrt: [0], op: ([t]) => softmax(t!), ref: ([v]) => ref.softmax(v!) },
          'd softmax',
        );
      });
      kit.test('d LogSoftmax', ['LogSoftmax'], async () => {
        const x = randn(kit.rng(1312), [2, 2, 4]);
        await checkGradients(
          kit,
          kit.rng(1313),
          { inputs: [x], wrt: [0], op: ([t]) => logSoftmax(t!), ref: ([v]) => ref.logSoftmax(v!) },
          'd logSoftmax',
        );
      });
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        kit.test(`d SoftmaxCrossEntropy ${reduction}`, ['SoftmaxCrossEntropy'], async () => {
          const rng = kit.rng(1314);
          const logits = randn(rng, [4, 6], 2);
          const labels = ints(rng, [4], 0, 6);
          await checkGradients(
            kit,
            rng,
            {
              inputs: [logits, labels],
              dtypes: ['float32', 'int32'],
              wrt: [0],
              op: ([l, y]) => softmaxCrossEntropy(l!, y!, reduction),
              ref: ([l, y]) => reduceLoss(ref.softmaxCrossEntropy(l!, y!.data), reduction),
            },
            `d crossEntropy ${reduction}`,
          );
        });
      }
    });
  });
}
