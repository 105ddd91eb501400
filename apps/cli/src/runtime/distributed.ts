import { readFile } from 'node:fs/promises';
import type * as Distributed from '@igcnet/distributed';

/** The packages data-parallel training needs, said once so that every error agrees. */
const NEEDS =
  "Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) and the @igcnet/distributed addon built against it ('pnpm rebuild @igcnet/distributed', or 'npm i @igcnet/distributed')";

/** Loads `@igcnet/distributed` (an optional dependency), or explains what to install. */
export async function loadDistributed(): Promise<typeof Distributed> {
  try {
    // A computed specifier: the package is optional, and only data-parallel runs load it.
    const spec = '@igcnet/distributed';
    return (await import(spec)) as typeof Distributed;
  } catch (e) {
    throw new Error(
      `data-parallel training needs ${NEEDS}; the package could not be loaded (${(e as Error).message})`,
    );
  }
}

/** Joins the MPI job this process was started in (a world of one without mpirun). */
export async function joinWorld(): Promise<Distributed.MpiWorld> {
  const d = await loadDistributed();
  return d.init();
}

/**
 * Reads `path` on rank 0 and gives every rank its bytes, or undefined on every rank when rank 0
 * has no such file: checkpoints are written by rank 0 alone, on its own disk.
 */
export async function broadcastFile(
  world: Distributed.MpiWorld,
  path: string,
): Promise<Uint8Array | undefined> {
  let bytes: Uint8Array | undefined;
  if (world.rank === 0) {
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const length = Float64Array.of(bytes?.length ?? -1);
  world.broadcast(length, 0);
  if (length[0]! < 0) return undefined;
  const buf = bytes ?? new Uint8Array(length[0]!);
  world.broadcast(buf, 0);
  return buf;
}

/** `, global: 32 per process × 2 processes` for the start-up line. */
export function rankBatch(batchSize: number, size: number, syncBn: boolean): string {
  const lo = Math.floor(batchSize / size);
  const hi = Math.ceil(batchSize / size);
  const per = lo === hi ? `${lo}` : `${lo}–${hi}`;
  return ` (global: ${per} per process × ${size} processes, ${syncBn ? 'synchronised' : 'per-process'} batch norm)`;
}

/**
 * The WebGPU adapter options of this rank. Dawn picks adapters by name: with
 * IGCNET_WEBGPU_ADAPTERS=name0,name1,… local rank k takes name k mod count; without it every
 * rank on a machine takes the first adapter (said once, by rank 0, when several share a machine).
 */
export function rankAdapter(
  world: Pick<Distributed.MpiWorld, 'rank' | 'localRank' | 'localSize'>,
  choice: 'auto' | 'cpu' | 'webgpu',
  log: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): { dawnOptions?: string[] } {
  const names = (env.IGCNET_WEBGPU_ADAPTERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length > 0)
    return { dawnOptions: [`adapter=${names[world.localRank % names.length]}`] };
  if (choice !== 'cpu' && world.localSize > 1 && world.rank === 0)
    log(
      `note: ${world.localSize} processes share this machine; on WebGPU each takes the first adapter unless IGCNET_WEBGPU_ADAPTERS=name0,name1,… names one per local rank`,
    );
  return {};
}
