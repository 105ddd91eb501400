import { defineConfig } from 'vitest/config';

// SwiftShader (a CPU Vulkan shipped with Debian's chromium) is the adapter on machines without a
// GPU; these variables point Dawn at it. A machine with a real GPU ignores them only if its own ICD
// is listed instead, so override VK_ICD_FILENAMES there.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // One device at a time: the suites share the machine's two cores with everything else.
    fileParallelism: false,
    env: {
      VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
      XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
    },
  },
});
