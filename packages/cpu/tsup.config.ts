import { libraryConfig } from '../../tsup.base.js';

// `browser` is the entry of the `browser` export condition: the main entry plus Web Worker threads.
export default libraryConfig({ entry: { index: 'src/index.ts', browser: 'src/browser.ts' } });
