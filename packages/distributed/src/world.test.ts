import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mpiEnv, mpiMissing, runToEnd } from '../test/mpirun.js';
import { mpirunArgs } from './launch.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, '..', 'test', 'collectives.mjs');
const missing = mpiMissing();
if (missing) console.warn(`@igcnet/distributed: MPI tests skipped: ${missing}`);

interface RankReport {
  rank: number;
  size: number;
  localRank: number;
  localSize: number;
  library: string;
  failures: string[];
  errors: string[];
}

async function runFixture(np: number, mca: Record<string, string> = {}): Promise<RankReport[]> {
  expect(existsSync(join(here, '..', 'dist', 'index.js')), 'build the package first').toBe(true);
  const r = await runToEnd(
    'mpirun',
    mpirunArgs({ np, oversubscribe: true, mca, command: [process.execPath, fixture] }),
    { env: mpiEnv(), timeoutMs: 90_000 },
  );
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RankReport)
    .sort((a, b) => a.rank - b.rank);
}

describe.skipIf(missing !== undefined)(
  `Open MPI collectives${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('allreduce (sum, max; f32, f64, i32; odd lengths; 32 MiB) and broadcast on 2 ranks', async () => {
      const ranks = await runFixture(2);
      expect(ranks.map((r) => [r.rank, r.size, r.localRank, r.localSize])).toEqual([
        [0, 2, 0, 2],
        [1, 2, 1, 2],
      ]);
      for (const r of ranks) {
        expect(r.failures, `rank ${r.rank}`).toEqual([]);
        expect(r.library).toMatch(/^Open MPI v\d/);
        expect(r.errors).toEqual([
          'allreduce: data must be a Float32Array, Float64Array or Int32Array, got Uint8Array',
          "allreduce: op must be 'sum', 'max' or 'min', got 'prod'",
          'broadcast: root must be a rank in 0…1, got 2',
        ]);
      }
    });

    it('the same on 3 ranks over TCP only (the transport between machines)', async () => {
      const ranks = await runFixture(3, { btl: 'self,tcp' });
      expect(ranks.map((r) => r.rank)).toEqual([0, 1, 2]);
      for (const r of ranks) expect(r.failures, `rank ${r.rank}`).toEqual([]);
    });
  },
);
