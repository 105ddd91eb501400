import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
    // Bundles src/bin.ts so one smoke test can spawn the real binary without a prior build.
    globalSetup: ['./test/global-setup.ts'],
  },
});
