// Loads the built packages of a workspace tree (this one, or another checkout given with
// --baseline) by file path, into the host process (host.mjs) that times that tree's steps.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The root of this workspace. */
export const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const PACKAGES = {
  cpu: 'cpu',
  tensor: 'tensor',
  layers: 'igc-layers',
  models: 'models',
  trainer: 'trainer',
  onnx: 'onnx',
};

/**
 * The packages of the tree at `root`, from their dist (run `pnpm build` there first). Importing
 * its @igcnet/cpu registers that tree's CPU backend with that tree's engine.
 */
export async function loadTree(root, label) {
  const mods = {};
  for (const [key, dir] of Object.entries(PACKAGES)) {
    const file = join(root, 'packages', dir, 'dist', 'index.js');
    if (!existsSync(file))
      throw new Error(`${label}: ${file} is missing; run \`pnpm build\` in ${root}`);
    mods[key] = await import(pathToFileURL(file).href);
  }
  return { label, root, ...mods };
}
