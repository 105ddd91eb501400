// `pnpm bench` (human table) or `pnpm -s bench --json` (JSON lines only). Options:
//   --only W1,W3      run only these workloads
//   --backend a,b     run only these backends (cpu, tfjs-wasm, cpu-wasm-1t, cpu-ts)
//   --variants        add the single-thread wasm and plain-TypeScript CPU rows
//   --quick           fewer repetitions
import type { BenchBackend } from './backend.js';
import { cpuBench } from './backends/cpu.js';
import { tfjsWasmBench } from './backends/tfjs-wasm.js';
import { measure } from './measure.js';
import { SMALL_GROUP_WORKLOADS, WORKLOADS } from './workloads.js';

/** The rows' backends, in print order. A new backend adds one entry here. */
const BACKENDS: { bench: BenchBackend; variant?: true }[] = [
  { bench: cpuBench('cpu', {}) },
  { bench: cpuBench('cpu-wasm-1t', { impl: 'wasm', threads: 1 }), variant: true },
  { bench: cpuBench('cpu-ts', { impl: 'ts' }), variant: true },
  { bench: tfjsWasmBench },
];

function listArg(args: string[], name: string): string[] | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? '').split(',') : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const only = listArg(args, '--only');
  const names = listArg(args, '--backend');
  const backends = BACKENDS.filter((b) =>
    names ? names.includes(b.bench.name) : !b.variant || args.includes('--variants'),
  ).map((b) => b.bench);
  const workloads = [...WORKLOADS, ...SMALL_GROUP_WORKLOADS].filter(
    (w) => !only || only.includes(w.id),
  );
  const say = (s: string): void => {
    if (!json) console.log(s);
  };
  say('workload  backend        ms/step   GFLOP/s   (median; 2 FLOPs per multiply-add)');
  for (const b of backends) {
    const why = await b.init();
    if (why) {
      say(`${b.name}: skipped (${why})`);
      continue;
    }
    for (const w of workloads) {
      const prepare = b.workloads[w.id];
      if (!prepare) continue;
      const p = prepare();
      // Slow paths (plain TS) get fewer runs; the median of 3 is still robust to one outlier.
      const t = await measure(
        p.step,
        quick
          ? { warmup: 1, minRuns: 3, minTimeMs: 300 }
          : { warmup: 2, minRuns: 5, minTimeMs: 1500 },
      );
      p.dispose();
      const gflops = w.flops / (t.ms * 1e6);
      const row = {
        workload: w.id,
        backend: b.name,
        ms: +t.ms.toFixed(3),
        gflops: +gflops.toFixed(3),
        runs: t.runs,
        ...b.info?.(),
      };
      if (json) console.log(JSON.stringify(row));
      else
        say(
          `${w.id.padEnd(9)} ${b.name.padEnd(12)} ${t.ms.toFixed(2).padStart(9)} ${gflops.toFixed(2).padStart(9)}   ${w.title}`,
        );
    }
  }
  say('W4 counts only its two convs (BN, ReLU, shuffles excluded); W5 = 3 × W4 conv FLOPs.');
  say('W6–W8: tiny-group 3×3 convs (batch 64, 32×32), the direct small-group kernels.');
  say(
    'tfjs-wasm W1/W2/W3: one conv2d per group on pre-split NHWC inputs (split/concat not timed).',
  );
}

await main();
// Kernel worker threads are unref'd; exit explicitly anyway in case a backend holds handles.
process.exit(0);
