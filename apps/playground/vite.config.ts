import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which the CPU backend's
 * WebAssembly kernels and their threads need; without it the app still runs (WebGPU, or the
 * plain TypeScript kernels). Every server of the app sends these: dev, preview, the e2e test's.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset URLs: the built app works from any folder of any static server.
  base: './',
  build: { target: 'es2022', sourcemap: true, reportCompressedSize: true },
  worker: { format: 'es' },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
});
