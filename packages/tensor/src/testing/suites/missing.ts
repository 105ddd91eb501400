import { describe, expect } from 'vitest';
import type { Backend, KernelImpl, KernelTable } from '../../core/backend.js';
import { KERNEL_NAMES, type KernelName } from '../../core/kernel_names.js';
import { grads } from '../../engine/api.js';
import { registerBackend, removeBackend, setBackend } from '../../engine/registry.js';
import { conv2d } from '../../ops/conv.js';
import { add } from '../../ops/elementwise.js';
import { softmax } from '../../ops/loss.js';
import { matmul } from '../../ops/matmul.js';
import { sum } from '../../ops/reduction.js';
import { randn, toTensor } from '../data.js';
import type { Kit } from '../kit.js';

function delegate<K extends KernelName>(impl: KernelImpl<K>, inner: Backend): KernelImpl<K> {
  // Kernels get the real backend: a GPU kernel reaches its device through it.
  return (args) => impl({ ...args, backend: inner });
}

/** The backend under test with kernels taken out; storage is the inner backend's own. */
export function withoutKernels(inner: Backend, omit: readonly KernelName[]): Backend {
  const entries = KERNEL_NAMES.filter(
    (k) => !omit.includes(k) && inner.kernels[k] !== undefined,
  ).map((k) => [k, delegate(inner.kernels[k] as KernelImpl<typeof k>, inner)]);
  return {
    name: `${inner.name}-without-${omit.join('-')}`,
    write: (values, shape, dtype) => inner.write(values, shape, dtype),
    read: (id) => inner.read(id),
    readSync: inner.readSync ? (id) => inner.readSync!(id) : undefined,
    disposeData: (id) => inner.disposeData(id),
    memory: () => inner.memory(),
    kernels: Object.fromEntries(entries) as KernelTable,
    limits: inner.limits,
    flush: inner.flush ? () => inner.flush!() : undefined,
    // No dispose: removing the wrapper must not tear down the backend under test.
  };
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
          expect(use).toThrow(`Kernel '${omit}' is not implemented by backend '${wrapper.name}'`);
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
