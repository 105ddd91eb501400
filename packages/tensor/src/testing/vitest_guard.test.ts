import { describe, expect, it } from 'vitest';
import { assertInsideVitest, declareSuite, OUTSIDE_VITEST } from './vitest_guard.js';

describe('the kit outside a vitest run', () => {
  it('is refused with what to do, when VITEST is not set', () => {
    expect(() => assertInsideVitest({})).toThrow(
      'runBackendConformance declares vitest tests: call it at the top level of a test file',
    );
    expect(OUTSIDE_VITEST).toContain('vitest ≥ 3');
  });

  it('passes inside vitest (which sets VITEST) and where there is no process', () => {
    expect(process.env.VITEST).toBeDefined();
    expect(() => assertInsideVitest()).not.toThrow();
    expect(() => assertInsideVitest({ VITEST: 'true' })).not.toThrow();
    expect(() => assertInsideVitest(null)).not.toThrow();
  });

  it("turns vitest's runner-less failure into the same advice, keeping the cause", () => {
    const runnerless = new TypeError("Cannot read properties of undefined (reading 'config')");
    let caught: unknown;
    try {
      declareSuite(() => {
        throw runnerless;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toBe(OUTSIDE_VITEST);
    expect((caught as Error).cause).toBe(runnerless);
    expect(() =>
      declareSuite(() => {
        throw new RangeError('other');
      }),
    ).toThrow('other');
  });
});
