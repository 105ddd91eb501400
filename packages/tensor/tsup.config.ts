import { libraryConfig } from '../../tsup.base.js';

export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    'backend/index': 'src/backend/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  // The conformance kit runs under the caller's vitest (an optional peer dependency).
  external: ['vitest'],
});
