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

describe('the default backend', () => {
  const made = (name: string) => ({
    name,
    write: () => ({}),
    read: async () => new Float32Array(0),
    disposeData: () => undefined,
    memory: () => ({ bytes: 0 }),
    kernels: {},
  });

  it('is the highest priority; ties keep the first registered; the default priority is 1', async () => {
    vi.resetModules();
    const fresh = await import('../index.js');
    fresh.registerBackend('first', () => made('first'));
    fresh.registerBackend('second', () => made('second'), 1);
    expect(fresh.listBackends()).toEqual(['first', 'second']);
    fresh.registerBackend('low', () => made('low'), 0);
    fresh.registerBackend('high', () => made('high'), 2);
    expect(fresh.listBackends()).toEqual(['high', 'first', 'second', 'low']);
    expect(fresh.getBackend().name).toBe('high');
  });

  it('is chosen once: a later registration does not displace it, setBackend does', async () => {
    vi.resetModules();
    const fresh = await import('../index.js');
    fresh.registerBackend('cpu-like', () => made('cpu-like'));
    expect(fresh.getBackend().name).toBe('cpu-like');
    fresh.registerBackend('faster', () => made('faster'), 5);
    expect(fresh.getBackend().name).toBe('cpu-like');
    await fresh.setBackend('faster');
    expect(fresh.getBackend().name).toBe('faster');
  });
});
