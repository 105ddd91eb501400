import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../../core/kernel_names.js';
import type { Kit } from '../kit.js';

/**
 * One test per kernel of the contract: the backend implements it, or the options list it as left
 * out, in which case the test shows as skipped under the kernel's name.
 */
export function kernelTableSuite(kit: Kit): void {
  describe('kernel table', () => {
    for (const k of KERNEL_NAMES) {
      if (kit.opts.skip.has(k)) {
        it.skip(`${k} (left out by ${kit.opts.name})`, () => undefined);
        continue;
      }
      it(k, () => {
        expect(
          typeof kit.backend().kernels[k],
          `backend '${kit.opts.name}' lacks kernel '${k}'`,
        ).toBe('function');
      });
    }
    it('the kit checks every kernel of the contract', () => {
      const untested = KERNEL_NAMES.filter((k) => !kit.covered.has(k));
      expect(untested, 'kernels no conformance test checks').toEqual([]);
    });
  });
}
