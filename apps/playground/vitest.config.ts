import { defineConfig } from 'vitest/config';

// The end-to-end test drives the built app (dist/, which turbo builds before the test) in the
// system Chromium; WebGPU there runs on Chromium's own SwiftShader, which is slow.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
