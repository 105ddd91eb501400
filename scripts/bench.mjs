// `pnpm bench [--json] [--only W1,W3,l24m2] [--backend cpu,tfjs-wasm] [--variants] [--quick]`:
// runs the kernel benchmark (packages/cpu/bench/main.ts: W1–W8 on the CPU backend and
// tfjs-wasm) and the WebGPU benchmark (packages/gpu/bench/main.ts) from their TypeScript sources
// through tsx, then the whole-network rows (packages/onnx/bench/zoo.mjs: training and inference
// img/s against onnxruntime, IGC nets against the regular nets they replace, W3 against
// onnxruntime), then the data-pipeline benchmark of @igcnet/datasets. All need `pnpm build`
// first (the benchmarks import @igcnet/tensor from its dist). Every argument is forwarded; each
// part ignores the `--only` ids that are not its own; `--json` makes them print JSON lines only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const cpu = join(root, 'packages', 'cpu');
const tsx = createRequire(join(cpu, 'package.json')).resolve('tsx/cli');

const kernels = spawnSync(process.execPath, [tsx, join(cpu, 'bench', 'main.ts'), ...args], {
  stdio: 'inherit',
  cwd: cpu,
});
if (kernels.status !== 0) process.exit(kernels.status ?? 1);

// WebGPU rows for W1–W5 (and IGC-L24M2-d20 training on a hardware adapter), with the adapter.
const gpu = join(root, 'packages', 'gpu');
const webgpu = spawnSync(process.execPath, [tsx, join(gpu, 'bench', 'main.ts'), ...args], {
  stdio: 'inherit',
  cwd: gpu,
});
if (webgpu.status !== 0) process.exit(webgpu.status ?? 1);

// Whole networks on the CPU backend (skipped when --backend names others only).
const backendArg = args.indexOf('--backend');
if (backendArg < 0 || (args[backendArg + 1] ?? '').split(',').includes('cpu')) {
  const onnx = join(root, 'packages', 'onnx');
  const nets = spawnSync(process.execPath, [join(onnx, 'bench', 'zoo.mjs'), ...args], {
    stdio: 'inherit',
    cwd: onnx,
  });
  if (nets.status !== 0) process.exit(nets.status ?? 1);
}

const datasets = join(root, 'packages', 'datasets');
if (existsSync(join(datasets, 'dist', 'index.js'))) {
  if (!json) console.log('\ndata pipeline (images/s):');
  const data = spawnSync(
    process.execPath,
    [join(datasets, 'bench', 'bench.mjs'), ...(json ? ['--json'] : [])],
    {
      stdio: 'inherit',
      cwd: datasets,
    },
  );
  process.exit(data.status ?? 1);
} else if (!json) {
  console.log('\ndata pipeline: skipped (run `pnpm build` first)');
}
