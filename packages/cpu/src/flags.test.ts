import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuFlags } from './flags.js';

describe('cpuFlags', () => {
  it('are listed in the README, defaults included, exactly as declared', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(cpuFlags.missingFrom(readme)).toEqual([]);
  });

  it('reject a thread count that is not a positive integer, naming the variable', () => {
    const before = process.env.IGCNET_CPU_THREADS;
    process.env.IGCNET_CPU_THREADS = '0';
    try {
      expect(() => cpuFlags.get('threads')).toThrow(
        "@igcnet/cpu: environment variable IGCNET_CPU_THREADS='0' is not valid; expected an integer ≥ 1",
      );
      process.env.IGCNET_CPU_THREADS = '3';
      expect(cpuFlags.get('threads')).toBe(3);
    } finally {
      if (before === undefined) delete process.env.IGCNET_CPU_THREADS;
      else process.env.IGCNET_CPU_THREADS = before;
    }
  });

  it('read IGCNET_CPU_WINOGRAD as a boolean and reject other values, naming the variable', () => {
    const before = process.env.IGCNET_CPU_WINOGRAD;
    try {
      delete process.env.IGCNET_CPU_WINOGRAD;
      expect(cpuFlags.get('winograd')).toBe(true);
      process.env.IGCNET_CPU_WINOGRAD = '0';
      expect(cpuFlags.get('winograd')).toBe(false);
      process.env.IGCNET_CPU_WINOGRAD = 'maybe';
      expect(() => cpuFlags.get('winograd')).toThrow(/IGCNET_CPU_WINOGRAD='maybe'.*1 or 0/);
    } finally {
      if (before === undefined) delete process.env.IGCNET_CPU_WINOGRAD;
      else process.env.IGCNET_CPU_WINOGRAD = before;
    }
  });
});
