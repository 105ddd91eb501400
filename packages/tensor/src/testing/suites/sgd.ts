import { describe, expect } from 'vitest';
import { variable } from '../../core/variable.js';
import { zeros } from '../../ops/creation.js';
import { sgdUpdate } from '../../ops/sgd.js';
import { expectClose } from '../compare.js';
import { randn, toTensor } from '../data.js';
import type { Kit } from '../kit.js';
import { nd } from '../reference/nd.js';
import { type RefSgdAttrs, sgdStep } from '../reference/sgd.js';

const CONFIGS: readonly (Partial<RefSgdAttrs> & { lr: number })[] = [
  { lr: 0.1 },
  { lr: 0.1, weightDecay: 0.01 },
  { lr: 0.05, momentum: 0.9 },
  { lr: 0.05, momentum: 0.9, dampening: 0.5 },
  { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  { lr: 0.2, momentum: 0.5, dampening: 0.1, weightDecay: 0.1 },
];

/** The fused in-place SGD step against PyTorch's formula, over several steps. */
export function sgdSuite(kit: Kit): void {
  describe('sgdUpdate', () => {
    CONFIGS.forEach((cfg, k) => {
      kit.test(`SGDUpdate ${JSON.stringify(cfg)} over 5 steps`, ['SGDUpdate'], async () => {
        const rng = kit.rng(1500 + k);
        const attrs: RefSgdAttrs = {
          momentum: 0,
          dampening: 0,
          weightDecay: 0,
          nesterov: false,
          ...cfg,
        };
        const p0 = randn(rng, [3, 7]);
        const refP = Float64Array.from(p0.data);
        const refV = new Float64Array(refP.length);
        const param = variable(toTensor(p0));
        const velocity = variable(zeros([3, 7]));
        try {
          for (let s = 0; s < 5; s++) {
            const g = randn(rng, [3, 7]);
            sgdUpdate(param, toTensor(g), velocity, cfg);
            sgdStep(refP, g.data, refV, attrs);
            // The reference runs in float64 and the backend in float32: compare every step so
            // that drift cannot hide a wrong step.
            const fresh = { rtol: kit.opts.rtol, atol: kit.opts.atol };
            await expectClose(param, nd([3, 7], refP), fresh, `param after step ${s + 1}`);
            if (attrs.momentum !== 0)
              await expectClose(velocity, nd([3, 7], refV), fresh, `velocity after step ${s + 1}`);
          }
          if (attrs.momentum === 0)
            await expectClose(velocity, nd([3, 7]), kit.opts, 'velocity stays untouched');
        } finally {
          param.dispose();
          velocity.dispose();
        }
      });
    });
    kit.test(
      'SGDUpdate never writes into storage another tensor shares',
      ['SGDUpdate', 'Identity'],
      async () => {
        const initial = nd([4], [1, 2, 3, 4]);
        const shared = toTensor(initial);
        const param = variable(zeros([4]));
        const velocity = variable(zeros([4]));
        try {
          param.assign(shared);
          sgdUpdate(param, toTensor(nd([4], [1, 1, 1, 1])), velocity, { lr: 0.5 });
          expect(Array.from(await shared.data()), 'the tensor param was assigned from').toEqual([
            1, 2, 3, 4,
          ]);
          expect(Array.from(await param.data())).toEqual([0.5, 1.5, 2.5, 3.5]);
        } finally {
          param.dispose();
          velocity.dispose();
        }
      },
    );
  });
}
