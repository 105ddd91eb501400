import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles the JPEG decode worker from source so worker threads can load it during tests. */
export default async function setup(): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/loader/jpeg-worker.ts', import.meta.url))],
    outfile: fileURLToPath(
      new URL('../node_modules/.cache/igcnet-test/jpeg-worker.mjs', import.meta.url),
    ),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['sharp'],
    logLevel: 'error',
  });
}
