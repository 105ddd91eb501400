import { libraryConfig } from '../../tsup.base.js';

// Two entries: `index` runs in browsers too, `node` holds what needs Node's file system.
export default libraryConfig({ entry: { index: 'src/index.ts', node: 'src/node.ts' } });
