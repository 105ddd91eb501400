// `pnpm bench [--json] [--only W1,W3] [--backend cpu,tfjs-wasm] [--variants] [--quick]`:
// runs the tensor package's benchmark (packages/tensor/bench/main.ts) from its TypeScript
// sources through tsx, so no build is needed, and forwards every argument.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tensor = join(root, 'packages', 'tensor');
const tsx = createRequire(join(tensor, 'package.json')).resolve('tsx/cli');
const r = spawnSync(
  process.execPath,
  [tsx, join(tensor, 'bench', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: tensor,
  },
);
process.exit(r.status ?? 1);
