import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  // The built .d.ts names GPU* types: keep the reference that brings them to Node users.
  dts: { banner: '/// <reference types="@webgpu/types" />' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  // Dawn is loaded lazily in Node only; the browser never sees it.
  external: ['webgpu', '@igcnet/tensor'],
});
