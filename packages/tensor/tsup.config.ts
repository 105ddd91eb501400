import { libraryConfig } from '../../tsup.base.js';

export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    'backend/index': 'src/backend/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  // The conformance kit runs under the caller's vitest (an optional peer dependency).
  external: ['vitest'],
  // Declarations come from `tsc -p tsconfig.build.json` (see package.json's build), one .d.ts per
  // source file with its doc comments, beside a map into the shipped src/: a backend author opens
  // dist/core/kernel_names.d.ts (or src/core/kernel_names.ts), not a bundle's hashed chunk.
  dts: false,
});
