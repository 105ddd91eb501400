import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// @igcnet/tensor ships no backend, but its engine tests need one: test/setup.ts registers the
// CPU backend from the sibling package's sources. They are aliased rather than declared as a
// dependency (@igcnet/cpu depends on this package; a dependency back would make a build cycle),
// and @igcnet/tensor itself is aliased to these sources so that the backend and the tests share
// one engine.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@igcnet\/tensor$/, replacement: here('./src/index.ts') },
      { find: /^@igcnet\/tensor\/backend$/, replacement: here('./src/backend/index.ts') },
      { find: /^@igcnet\/tensor\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^@igcnet\/cpu$/, replacement: here('../cpu/src/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
  },
});
