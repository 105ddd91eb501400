/**
 * The contract is enough: a backend outside both packages (./my-backend.ts, written against
 * their public entry points only) passes the whole conformance kit, and registers and runs under
 * a name of its own beside the CPU backend.
 */
import {
  add,
  dispose,
  getBackend,
  registerBackend,
  removeBackend,
  setBackend,
  tensor,
} from '@igcnet/tensor';
import { runBackendConformance } from '@igcnet/tensor/testing';
import { describe, expect, it } from 'vitest';
import { MyBackend } from './my-backend.js';

runBackendConformance({ name: 'mine', factory: () => new MyBackend() });

describe('a backend registered under its own name', () => {
  it('runs ops as the active backend and keeps its own storage', async () => {
    registerBackend('mine', () => new MyBackend(), 0);
    try {
      const b = await setBackend('mine');
      expect(getBackend()).toBe(b);
      expect(b).toBeInstanceOf(MyBackend);
      const before = b.memory().bytes;
      const xs = [tensor([1, 2, 3]), tensor([10, 20, 30])];
      const [x0, x1] = xs;
      if (x0 === undefined || x1 === undefined) throw new Error('two tensors were made');
      const y = add(x0, x1);
      expect(y.backend).toBe(b);
      expect(Array.from(await y.data())).toEqual([11, 22, 33]);
      // Three float32 tensors of 3 in its own storage; the CPU copies are gone already.
      expect(b.memory().bytes).toBe(before + 3 * 3 * 4);
      dispose([...xs, y]);
      expect(b.memory().bytes).toBe(before);
    } finally {
      removeBackend('mine');
    }
  });
});
