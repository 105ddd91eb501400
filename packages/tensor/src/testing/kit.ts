import { it } from 'vitest';
import type { Backend } from '../core/backend.js';
import { KERNEL_NAMES, type KernelName } from '../core/kernel_names.js';
import { ENGINE } from '../engine/engine.js';
import { Random } from '../random/prng.js';
import type { ResolvedOptions } from './options.js';

/** What every suite file receives: options, the backend under test and test registration. */
export interface Kit {
  readonly opts: ResolvedOptions;
  /** The backend under test; valid inside tests only (it is made in `beforeAll`). */
  backend(): Backend;
  /** A generator seeded per test, so a failure reproduces from the test alone. */
  rng(seed: number): Random;
  /** `normal` on full runs, `small` when the options ask for small shapes. */
  pick<T>(normal: T, small: T): T;
  /**
   * Registers a test of `kernels` (the kernels whose forward results it checks). It is skipped
   * when the backend leaves one of them out, and it counts toward the kit's own coverage check.
   */
  test(name: string, kernels: readonly KernelName[], fn: () => void | Promise<void>): void;
  /** Kernels some registered test checks. */
  readonly covered: ReadonlySet<KernelName>;
}

/** The kernel named by the engine's error for a kernel the active backend lacks, if `e` is one. */
export function missingKernel(e: unknown): KernelName | undefined {
  const m = e instanceof Error ? /Kernel '(\w+)' is not implemented/.exec(e.message) : null;
  const name = m?.[1];
  return KERNEL_NAMES.find((k) => k === name);
}

export function makeKit(opts: ResolvedOptions, backend: () => Backend): Kit {
  const covered = new Set<KernelName>();
  return {
    opts,
    backend,
    covered,
    rng: (seed) => new Random(seed),
    pick: (normal, small) => (opts.small ? small : normal),
    test(name, kernels, fn) {
      for (const k of kernels) covered.add(k);
      const left = kernels.filter((k) => opts.skip.has(k));
      if (left.length > 0) {
        it.skip(`${name} (needs ${left.join(', ')})`, () => undefined);
        return;
      }
      it(name, async (ctx) => {
        // Every tensor the test makes lives in this scope, so a failing test cannot leak into
        // the next one, and the count afterwards shows what the test itself left behind.
        const before = ENGINE.memory(backend()).numTensors;
        ENGINE.startScope();
        try {
          await fn();
        } catch (e) {
          const k = missingKernel(e);
          // A helper kernel the backend declared as left out (say, a gradient's): skip, visibly.
          if (k !== undefined && opts.skip.has(k)) {
            ctx.skip(`needs ${k}, which ${opts.name} leaves out`);
            return;
          }
          throw e;
        } finally {
          ENGINE.endScope([]);
        }
        const after = ENGINE.memory(backend()).numTensors;
        if (after !== before) {
          throw new Error(
            `${name}: ${after - before} tensors outlived the test (variables not disposed?)`,
          );
        }
      });
    },
  };
}
