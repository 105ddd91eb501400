import { describe } from 'vitest';
import { topk } from '../../ops/topk.js';
import { expectExact } from '../compare.js';
import { ints, randn, toTensor } from '../data.js';
import type { Kit } from '../kit.js';
import { nd } from '../reference/nd.js';
import { topk as refTopk } from '../reference/topk.js';

/** Top-k along the last axis: descending values, int32 indices, ties to the lower index. */
export function topkSuite(kit: Kit): void {
  describe('topk', () => {
    for (const [shape, k] of [
      [[8], 3],
      [[3, 8], 1],
      [[3, 8], 8],
      [[2, 3, 5], 2],
    ] as const) {
      kit.test(`TopK [${shape}] k = ${k}`, ['TopK'], async () => {
        const x = randn(kit.rng(1400), shape);
        const r = refTopk(x, k);
        const { values, indices } = topk(toTensor(x), k);
        await expectExact(values, r.values, 'float32', 'values');
        await expectExact(indices, r.indices, 'int32', 'indices');
      });
    }
    kit.test('TopK with ties puts the lower index first', ['TopK'], async () => {
      const x = nd([2, 6], [1, 3, 3, 2, 3, 0, 5, 5, 5, 5, 5, 5]);
      const { values, indices } = topk(toTensor(x), 4);
      await expectExact(values, nd([2, 4], [3, 3, 3, 2, 5, 5, 5, 5]), 'float32', 'values');
      await expectExact(indices, nd([2, 4], [1, 2, 4, 3, 0, 1, 2, 3]), 'int32', 'indices');
    });
    kit.test('TopK with many random ties', ['TopK'], async () => {
      const x = ints(kit.rng(1401), [4, 9], 0, 3);
      const r = refTopk(x, 5);
      const { values, indices } = topk(toTensor(x), 5);
      await expectExact(values, r.values, 'float32', 'values');
      await expectExact(indices, r.indices, 'int32', 'indices');
    });
  });
}
