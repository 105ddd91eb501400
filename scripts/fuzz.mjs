// `pnpm fuzz [--runs N]`: the long fuzz run. Runs the property-based fuzz tests of the file
// readers (@igcnet/datasets: MAT, IDX plain and gzipped, CIFAR-10/100) and of the safetensors
// decoder (@igcnet/trainer) with N inputs per target (default 100,000; CI runs a few hundred),
// and prints one summary line per target: inputs, parsed, refused with a named error, slowest
// input, memory growth. A failure prints fast-check's shrunk counterexample and its seed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 100_000;
if (!Number.isSafeInteger(runs) || runs < 1) {
  console.error(`pnpm fuzz: --runs must be a whole number of at least 1, got '${args[at + 1]}'`);
  process.exit(2);
}

let failed = false;
for (const pkg of ['datasets', 'trainer']) {
  const r = spawnSync('pnpm', ['exec', 'vitest', 'run', '--testTimeout', '0', 'fuzz'], {
    cwd: join(root, 'packages', pkg),
    stdio: 'inherit',
    env: { ...process.env, IGCNET_FUZZ_RUNS: String(runs) },
  });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
