import { describe, expect } from 'vitest';
import { buildKernelTable } from '../../backend/kernels.js';
import type { Backend, KernelImpl } from '../../core/backend.js';
import type { KernelName } from '../../core/kernel_names.js';
import { grads } from '../../engine/api.js';
import { registerBackend, removeBackend, setBackend } from '../../engine/registry.js';
import { conv2d } from '../../ops/conv.js';
import { add } from '../../ops/elementwise.js';
import { softmax } from '../../ops/loss.js';
import { matmul } from '../../ops/matmul.js';
import { sum } from '../../ops/reduction.js';
import { randn, toTensor } from '../data.js';
import { type Kit, missingKernel } from '../kit.js';

/** The backend under test with kernels taken out; storage is the inner backend's own. */
export function withoutKernels(inner: Backend, omit: readonly KernelName[]): Backend {
  return {
    name: `${inner.name}-without-${omit.join('-')}`,
    write: (values, shape, dtype) => inner.write(values, shape, dtype),
    read: (id) => inner.read(id),
    readSync: inner.readSync ? (id) => inner.readSync!(id) : undefined,
    disposeData: (id) => inner.disposeData(id),
    memory: () => inner.memory(),
    // Kernels get the real backend: a GPU kernel reaches its device through it.
    kernels: buildKernelTable(<K extends KernelName>(name: K): KernelImpl<K> | undefined => {
      const impl = omit.includes(name) ? undefined : inner.kernels[name];
      return impl && ((args) => impl({ ...args, backend: inner }));
    }),
    limits: inner.limits,
    flush: inner.flush ? () => inner.flush!() : undefined,
    // No dispose: removing the wrapper must not tear down the backend under test.
  };
}

/**
 * Whether `error` is the missing-kernel error of a kernel the backend leaves out (listed in
 * `skip`) other than `omit`: reaching `omit` may need one (a gradient needs its forward kernel).
 * The test rethrows it, and the kit skips the test naming that kernel.
 */
export function leftOutOnTheWay(
  error: unknown,
  omit: KernelName,
  skip: ReadonlySet<KernelName>,
): boolean {
  const other = missingKernel(error);
  return other !== undefined && other !== omit && skip.has(other);
}

/** A backend that lacks a kernel fails with that kernel's name, in forward and in backward. */
export function missingKernelSuite(kit: Kit, kitBackendName: () => string): void {
  describe('missing kernels', () => {
    const cases: readonly [KernelName, () => unknown][] = [
      [
        'Conv2D',
        () =>
          conv2d(
            toTensor(randn(kit.rng(1700), [1, 2, 3, 3])),
            toTensor(randn(kit.rng(1701), [2, 2, 3, 3])),
          ),
      ],
      [
        'MatMul',
        () =>
          matmul(toTensor(randn(kit.rng(1702), [2, 3])), toTensor(randn(kit.rng(1703), [3, 2]))),
      ],
      ['Softmax', () => softmax(toTensor(randn(kit.rng(1704), [2, 3])))],
      [
        'Conv2DBackpropFilter',
        () => {
          const x = toTensor(randn(kit.rng(1705), [1, 2, 3, 3]));
          const w = toTensor(randn(kit.rng(1706), [2, 2, 3, 3]));
          return grads(() => sum(conv2d(x, w, { padding: 1 })), [w]);
        },
      ],
    ];
    for (const [omit, use] of cases) {
      kit.test(`a backend without ${omit} fails naming ${omit}`, [], async () => {
        const inner = kit.backend();
        const wrapper = withoutKernels(inner, [omit]);
        const name = `${kitBackendName()}:without-${omit}`;
        registerBackend(name, () => wrapper, -1);
        try {
          await setBackend(name);
          let error: unknown;
          try {
            use();
          } catch (e) {
            error = e;
          }
          if (leftOutOnTheWay(error, omit, kit.opts.skip)) throw error;
          expect(error, `${omit} on a backend without it`).toBeInstanceOf(Error);
          expect(String(error)).toContain(
            `Kernel '${omit}' is not implemented by backend '${wrapper.name}'`,
          );
          // Everything else still runs on the wrapper.
          expect(Array.from(await add(toTensor(randn(kit.rng(1707), [2])), 1).data())).toHaveLength(
            2,
          );
        } finally {
          await setBackend(kitBackendName());
          removeBackend(name);
        }
      });
    }
  });
}
