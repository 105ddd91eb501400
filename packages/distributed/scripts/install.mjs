#!/usr/bin/env node
// Builds the Open MPI addon (build/Release/igcnet_mpi.node) with node-gyp when Open MPI's
// compiler wrapper `mpicc` is on PATH. Without it, the install still succeeds: the package then
// explains at load time what to install. `--force` (the build:native script) fails loudly instead.
//
// node-gyp comes from the package manager running this script (npm and pnpm both put their
// bundled copy on PATH or in npm_config_node_gyp); Node's headers from the local installation
// when it ships them (<prefix>/include/node), so nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const INSTALL = 'apt-get install openmpi-bin libopenmpi-dev (Debian/Ubuntu)';
const REBUILD = 'pnpm rebuild @igcnet/distributed (or npm rebuild @igcnet/distributed)';

function skip(reason) {
  const text = `@igcnet/distributed: ${reason}; the Open MPI addon was not built. Data-parallel training (igc train --nproc / --distributed) needs it: ${INSTALL}, then ${REBUILD}.`;
  if (force) {
    console.error(text);
    process.exit(1);
  }
  console.log(text);
  process.exit(0);
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

if (process.platform === 'win32')
  skip('Windows is not supported (Open MPI runs on Linux and macOS)');
if (!onPath('mpicc')) skip('Open MPI was not found (no mpicc on PATH)');

/** How to run node-gyp: [command, ...leading args]. */
function nodeGyp() {
  const fromEnv = process.env.npm_config_node_gyp;
  if (fromEnv && existsSync(fromEnv)) {
    return fromEnv.endsWith('.js') ? [process.execPath, fromEnv] : [fromEnv];
  }
  const bin = onPath('node-gyp');
  if (bin) return [bin];
  const npmBundled = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  if (existsSync(npmBundled)) return [process.execPath, npmBundled];
  return undefined;
}

const gyp = nodeGyp();
if (!gyp) skip('node-gyp was not found (npm and pnpm ship one; or npm i -g node-gyp)');

const args = ['rebuild'];
const prefix = resolve(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

console.log(
  `@igcnet/distributed: building the Open MPI addon (${[...gyp.slice(1), 'node-gyp', ...args].join(' ')})`,
);
const r = spawnSync(gyp[0], [...gyp.slice(1), ...args], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  skip(`node-gyp failed (exit ${r.status ?? r.signal}; its output is above)`);
}
console.log('@igcnet/distributed: built build/Release/igcnet_mpi.node');
