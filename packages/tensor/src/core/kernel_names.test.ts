import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, KERNEL_SPECS, type MutatedInputs } from './kernel_names.js';

describe('KERNEL_NAMES', () => {
  // Completeness is the compiler's job (`satisfies Record<KernelName, …>`); this checks the
  // list the suites iterate is that record's keys, each once.
  it('lists each kernel once', () => {
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    expect(KERNEL_NAMES).toContain('Conv2D');
    expect(KERNEL_NAMES).toContain('SGDUpdate');
  });
});

describe('KERNEL_SPECS', () => {
  it('has a spec for every kernel, and no more', () => {
    expect(Object.keys(KERNEL_SPECS)).toEqual([...KERNEL_NAMES]);
  });

  it('names the inputs SGDUpdate writes in place, and none for the pure kernels', () => {
    const inPlace = KERNEL_NAMES.filter((k) => KERNEL_SPECS[k].mutates.length > 0);
    expect(inPlace).toEqual(['SGDUpdate']);
    expect(KERNEL_SPECS.SGDUpdate.mutates).toEqual(['param', 'velocity']);
    const typed: MutatedInputs<'SGDUpdate'>[] = ['param', 'velocity'];
    const none: MutatedInputs<'Add'>[] = [];
    expect([typed, none]).toEqual([['param', 'velocity'], []]);
  });

  it('is frozen, so no caller can change what every backend relies on', () => {
    expect(Object.isFrozen(KERNEL_SPECS)).toBe(true);
    expect(Object.isFrozen(KERNEL_SPECS.SGDUpdate)).toBe(true);
    expect(Object.isFrozen(KERNEL_SPECS.SGDUpdate.mutates)).toBe(true);
  });
});
