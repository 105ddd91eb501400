import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from './kernel_names.js';

describe('KERNEL_NAMES', () => {
  // Completeness is the compiler's job (`satisfies Record<KernelName, true>`); this checks the
  // list the suites iterate is that record's keys, each once.
  it('lists each kernel once', () => {
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    expect(KERNEL_NAMES).toContain('Conv2D');
    expect(KERNEL_NAMES).toContain('SGDUpdate');
  });
});
