import { libraryConfig } from '../../tsup.base.js';

export default libraryConfig({
  // The built .d.ts names GPU* types: keep the reference that brings them to Node users.
  dts: { banner: '/// <reference types="@webgpu/types" />' },
  // Browsers too, not only Node 20.
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  // Dawn is loaded lazily in Node only; the browser never sees it.
  external: ['webgpu', '@igcnet/tensor'],
});
