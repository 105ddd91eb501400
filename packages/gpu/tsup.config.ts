import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  // Dawn is loaded lazily in Node only; the browser never sees it.
  external: ['webgpu', '@igcnet/tensor'],
});
