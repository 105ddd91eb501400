import { describe, expect, it, vi } from 'vitest';

describe('with no backend registered', () => {
  it('an op fails naming the package to install', async () => {
    // A fresh copy of the package: the CPU backend the test setup registered lives in the old one.
    vi.resetModules();
    const fresh = await import('../index.js');
    expect(fresh.listBackends()).toEqual([]);
    expect(() => fresh.tensor([1, 2])).toThrow(
      "no backend is registered. @igcnet/tensor ships none: install the CPU backend ('npm i @igcnet/cpu') and import that package once",
    );
  });

  it('a backend still being created is named, with what to await', async () => {
    vi.resetModules();
    const fresh = await import('../index.js');
    fresh.registerBackend('slow', () => new Promise(() => undefined), 0);
    expect(() => fresh.tensor([1])).toThrow(
      "registered ones (slow) are created asynchronously; call 'await setBackend('slow')' first",
    );
  });
});
