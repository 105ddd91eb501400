import { libraryConfig } from '../../tsup.base.js';

export default libraryConfig({
  entry: { bin: 'src/bin.ts', index: 'src/index.ts' },
  dts: { entry: { index: 'src/index.ts' } },
});
