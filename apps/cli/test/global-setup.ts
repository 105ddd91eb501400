import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Where the spawn test finds the bundled CLI. */
export const CLI_BUNDLE = fileURLToPath(
  new URL('../node_modules/.cache/igcnet-test/igc.mjs', import.meta.url),
);

export default async function setup(): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/bin.ts', import.meta.url))],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies load from node_modules as in the built package (@igcnet/datasets from its dist).
    packages: 'external',
    logLevel: 'error',
  });
}
