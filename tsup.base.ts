import { defineConfig, type Options } from 'tsup';

/**
 * The build every library package shares: ESM for Node 20, `.d.ts` and source maps, the entry
 * `src/index.ts`. Dependencies and peer dependencies stay external (tsup's default), so backends
 * and the packages above them share one `@igcnet/tensor` engine. `options` adds to or replaces
 * these.
 */
export function libraryConfig(options: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...options,
  });
}
