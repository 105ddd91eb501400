import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the compiled addon exports (native/mpi_addon.cc). */
export interface MpiBinding {
  init(): {
    rank: number;
    size: number;
    localRank: number;
    localSize: number;
    host: string;
    library: string;
    mpiVersion: string;
  };
  allreduce(data: Float32Array | Float64Array | Int32Array, op: 'sum' | 'max' | 'min'): void;
  broadcast(data: ArrayBufferView, root: number): void;
  barrier(): void;
  finalize(): void;
  abort(code: number): void;
}

/** The system packages that provide Open MPI, named in every error. */
export const MPI_PACKAGES = 'openmpi-bin libopenmpi-dev';
const INSTALL = `install Open MPI (Debian/Ubuntu: apt-get install ${MPI_PACKAGES}), then rebuild the addon with 'pnpm rebuild @igcnet/distributed' (or 'npm rebuild @igcnet/distributed')`;

/** Raised when Open MPI or the addon is missing; the message says what to install. */
export class MpiUnavailableError extends Error {
  override name = 'MpiUnavailableError';
}

/** The package root (dist/ and src/ both sit one level below it). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where node-gyp puts the addon. */
export const ADDON_PATH = join(ROOT, 'build', 'Release', 'igcnet_mpi.node');

/** The first directory on PATH holding `cmd`, if any. */
export function findOnPath(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** Why the addon is missing: Open MPI is not installed, or the addon was not built against it. */
export function missingAddonMessage(mpiccOnPath: boolean): string {
  const why = mpiccOnPath
    ? `the Open MPI addon was not built (no ${ADDON_PATH}); with Open MPI's ${MPI_PACKAGES} installed, run 'pnpm rebuild @igcnet/distributed' and read its output`
    : `Open MPI is not installed (no mpicc on PATH), so the addon was not built; ${INSTALL}`;
  return `@igcnet/distributed: ${why}`;
}

let binding: MpiBinding | undefined;

/** Loads the addon once, or throws an {@link MpiUnavailableError} that says what is missing. */
export function loadBinding(): MpiBinding {
  if (binding) return binding;
  if (!existsSync(ADDON_PATH))
    throw new MpiUnavailableError(missingAddonMessage(findOnPath('mpicc') !== undefined));
  try {
    binding = createRequire(import.meta.url)(ADDON_PATH) as MpiBinding;
  } catch (e) {
    throw new MpiUnavailableError(
      `@igcnet/distributed: the Open MPI addon ${ADDON_PATH} could not be loaded (${(e as Error).message}); ${INSTALL}`,
    );
  }
  return binding;
}

/** Whether data-parallel training can run here, and if not, why. */
export function mpiStatus(): { available: true } | { available: false; reason: string } {
  try {
    loadBinding();
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
  if (!findOnPath('mpirun')) {
    return {
      available: false,
      reason: `@igcnet/distributed: mpirun is not on PATH; ${INSTALL}`,
    };
  }
  return { available: true };
}
