import { libraryConfig } from '../../tsup.base.js';

export default libraryConfig({ tsconfig: 'tsconfig.build.json' });
