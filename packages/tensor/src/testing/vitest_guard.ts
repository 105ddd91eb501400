/**
 * The kit declares its tests with vitest's `describe` and `it`, which work only while vitest
 * collects a test file. Called anywhere else they fail deep inside vitest (under plain node:
 * "Cannot read properties of undefined (reading 'config')"); this says what to do instead.
 */

/** What a caller outside a vitest run is told. */
export const OUTSIDE_VITEST =
  'runBackendConformance declares vitest tests: call it at the top level of a test file ' +
  '(e.g. my-backend.conformance.test.ts) and run that file with vitest ≥ 3 (`npx vitest run`), ' +
  'not with node; @igcnet/tensor/testing is ESM-only and needs vitest installed beside it';

/** The process environment, or null where there is no `process` (a browser run). */
function processEnv(): Record<string, string | undefined> | null {
  return typeof process === 'undefined' ? null : process.env;
}

/**
 * Throws `OUTSIDE_VITEST` unless `env` is a vitest worker's (vitest sets `VITEST` in its workers'
 * environment). With no environment (null: a browser run) it trusts the caller.
 */
export function assertInsideVitest(
  env: Record<string, string | undefined> | null = processEnv(),
): void {
  if (env !== null && env.VITEST === undefined) throw new Error(OUTSIDE_VITEST);
}

/** Runs `declare` (the kit's top-level `describe`), turning vitest's own failure into ours. */
export function declareSuite(declare: () => void): void {
  try {
    declare();
  } catch (e) {
    // vitest without a runner: the collector reads `runner.config` of an undefined runner.
    if (e instanceof TypeError && /reading 'config'/.test(e.message)) {
      throw new Error(OUTSIDE_VITEST, { cause: e });
    }
    throw e;
  }
}
