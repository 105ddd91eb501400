import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run from source, where no built decode worker exists; global-setup bundles one here.
const workerBundle = fileURLToPath(
  new URL('./node_modules/.cache/igcnet-test/jpeg-worker.mjs', import.meta.url),
);

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    globalSetup: ['./test/global-setup.ts'],
    env: { IGCNET_JPEG_WORKER: workerBundle },
  },
});
