// WebGPU rows of the benchmark: the CPU backend's workloads W1–W8 (packages/cpu/bench) on the
// `webgpu` backend, in the same format. `pnpm --filter @igcnet/gpu bench` (human table) or
// `pnpm -s --filter @igcnet/gpu bench --json` (JSON lines only). Options:
//   --only W1,W3   run only these workloads
//   --quick        fewer repetitions
//   --batch N      batch size (default 64, as the CPU rows)
//   --runs N       timed runs per workload (default 5 with ≥ 1.5 s on a GPU; 1 on a fallback adapter)
//   --backend a,b  the root bench's backend filter: rows are printed only if it names webgpu
//   --train        the training throughput (images/s) of IGC-L24M2-d20 at the batch size, on
//                  WebGPU and on the CPU backend (needs packages/models built). Runs by default on
//                  a hardware adapter; on a fallback adapter (SwiftShader) only with --train.
//   --no-train     skip it (and the inference row)
//   --model NAME   the model of the training and inference rows (default igc-l24m2-d20)
// With the training row comes an inference row: the eval-mode forward of the same model (every
// conv → BN → ReLU a fused conv), with the WebGPU dispatches per forward.
// A step is timed from its first op until the device has finished it (flush + onSubmittedWorkDone).
// The training and inference rows compare with the CPU backend, which this import registers.
import '@igcnet/cpu';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  cast,
  conv2d,
  getBackend,
  randomNormal,
  randomUniform,
  setBackend,
  sgdUpdate,
  softmaxCrossEntropy,
  type Tensor,
  tidy,
  type Variable,
  valueAndGrads,
  variable,
  zeros,
} from '@igcnet/tensor';
import {
  C,
  DEPTHWISE,
  HW,
  IGC_L24M2,
  igcUnit,
  L,
  M,
  N,
  SMALL_GROUP_WORKLOADS,
  WORKLOADS,
} from '../../cpu/bench/workloads.js';
import { registerWebGpuBackend, type WebGpuBackend } from '../src/index.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
process.env.XDG_RUNTIME_DIR ??= '/tmp';

interface Prepared {
  step: () => void;
  dispose: () => void;
}

function convStep(batch: number, wShape: number[], padding: number, groups: number): Prepared {
  const x = randomNormal([batch, C, HW, HW], { seed: 1 });
  const w = randomNormal(wShape, { seed: 2 });
  return {
    step: () => conv2d(x, w, { padding, groups }).dispose(),
    dispose: () => {
      x.dispose();
      w.dispose();
    },
  };
}

/** A 3×3 pad-1 group conv of `channels` at HW×HW (W6–W8), forward only or with both gradients. */
function groupConvStep(
  batch: number,
  channels: number,
  groups: number,
  training: boolean,
): Prepared {
  const x = randomNormal([batch, channels, HW, HW], { seed: 8 });
  const w = randomNormal([channels, channels / groups, 3, 3], { seed: 9 });
  const opts = { padding: 1, groups };
  return {
    step: training
      ? () => {
          const { value, grads } = valueAndGrads(() => conv2d(x, w, opts), [x, w]);
          value.dispose();
          for (const g of grads) g.dispose();
        }
      : () => conv2d(x, w, opts).dispose(),
    dispose: () => {
      x.dispose();
      w.dispose();
    },
  };
}

/** The slice of @igcnet/models the training row needs (loaded from the workspace, if built). */
interface Zoo {
  createModel(
    name: string,
    opts?: { seed?: number },
  ): {
    forward(x: Tensor): Tensor;
    parameters(): Variable[];
    eval(): unknown;
    dispose(): void;
  };
}

const MODELS = new URL('../../models/dist/index.js', import.meta.url);
/** The training/inference rows' model; `--model NAME` picks another (e.g. igcv3-cifar). */
let TRAIN_MODEL = 'igc-l24m2-d20';

/** One SGD step of IGC-L24M2-d20 (forward, cross-entropy, backward, momentum update). */
function trainStep(zoo: Zoo, batch: number): Prepared {
  const net = zoo.createModel(TRAIN_MODEL, { seed: 1 });
  const params = net.parameters();
  const vel = params.map((p) => variable(zeros(p.shape)));
  const x = randomNormal([batch, 3, 32, 32], { seed: 6 });
  const labels = tidy(() => cast(randomUniform([batch], { seed: 7, min: 0, max: 10 }), 'int32'));
  return {
    step: () =>
      tidy(() => {
        const { grads } = valueAndGrads(() => softmaxCrossEntropy(net.forward(x), labels), params);
        params.forEach((p, i) => {
          sgdUpdate(p, grads[i]!, vel[i]!, { lr: 0.05, momentum: 0.9 });
        });
      }),
    dispose: () => {
      for (const t of [x, labels, ...vel]) t.dispose();
      net.dispose();
    },
  };
}

/** One eval-mode forward of IGC-L24M2-d20: running BN statistics, so every conv → BN fuses. */
function inferStep(zoo: Zoo, batch: number): Prepared {
  const net = zoo.createModel(TRAIN_MODEL, { seed: 1 });
  net.eval();
  const x = randomNormal([batch, 3, 32, 32], { seed: 6 });
  return {
    step: () => tidy(() => void net.forward(x)),
    dispose: () => {
      x.dispose();
      net.dispose();
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const only = arg(args, '--only')?.split(',');
  const batch = Number(arg(args, '--batch') ?? N);
  const runs = arg(args, '--runs');
  const backends = arg(args, '--backend')?.split(',');
  TRAIN_MODEL = arg(args, '--model') ?? TRAIN_MODEL;
  if (backends && !backends.includes('webgpu')) return;
  const say = (s: string): void => {
    if (!json) console.log(s);
  };
  registerWebGpuBackend();
  let backend: WebGpuBackend;
  try {
    backend = (await setBackend('webgpu')) as WebGpuBackend;
  } catch (e) {
    say(`webgpu: skipped (${e instanceof Error ? e.message : String(e)})`);
    return;
  }
  const adapter = backend.adapterInfo.name;
  // With timestamp-query, rows also give the GPU's own time for the step's compute passes.
  const profiled = backend.enableProfiling();
  const fallback = backend.adapterInfo.isFallback;
  say(
    `webgpu adapter: ${adapter}${fallback ? ' (fallback: a CPU emulation — these figures say nothing about GPU speed)' : ''}`,
  );
  say('workload  backend        ms/step   GFLOP/s   (median; 2 FLOPs per multiply-add)');
  const make: Record<string, () => Prepared> = {
    W1: () => convStep(batch, [C, M, 3, 3], 1, L),
    W2: () => convStep(batch, [C, C / M, 1, 1], 0, M),
    W3: () => convStep(batch, [C, C, 3, 3], 1, 1),
    W4: () => igcUnit(batch, false),
    W5: () => igcUnit(batch, true),
    W6: () => groupConvStep(batch, IGC_L24M2.channels, IGC_L24M2.groups, false),
    W7: () => groupConvStep(batch, IGC_L24M2.channels, IGC_L24M2.groups, true),
    W8: () => groupConvStep(batch, DEPTHWISE.channels, DEPTHWISE.channels, true),
  };
  // Emulated adapters are slow: one warm-up (it compiles the pipelines) and few runs.
  const warmup = 1;
  const minRuns = runs !== undefined ? Number(runs) : fallback ? 1 : quick ? 2 : 5;
  const minTimeMs = runs !== undefined || quick || fallback ? 0 : 1500;
  for (const w of [...WORKLOADS, ...SMALL_GROUP_WORKLOADS]) {
    if (only && !only.includes(w.id)) continue;
    const p = make[w.id]!();
    const gpuTimes: number[] = [];
    const timed = async (): Promise<number> => {
      await backend.gpuMs();
      const t0 = performance.now();
      p.step();
      await backend.sync();
      const ms = performance.now() - t0;
      gpuTimes.push(await backend.gpuMs());
      return ms;
    };
    for (let i = 0; i < warmup; i++) await timed();
    gpuTimes.length = 0;
    const times: number[] = [];
    const start = performance.now();
    while (times.length < minRuns || performance.now() - start < minTimeMs) {
      times.push(await timed());
      if (times.length >= 100) break;
    }
    p.dispose();
    const ms = median(times);
    const gpuMs = profiled ? median(gpuTimes) : undefined;
    const flops = (w.flops * batch) / N;
    const gflops = flops / (ms * 1e6);
    const row = {
      workload: w.id,
      backend: 'webgpu',
      adapter,
      ms: +ms.toFixed(3),
      gflops: +gflops.toFixed(3),
      runs: times.length,
      fallback,
      batch,
      ...(gpuMs !== undefined ? { gpuMs: +gpuMs.toFixed(3) } : {}),
    };
    if (json) console.log(JSON.stringify(row));
    else
      say(
        `${w.id.padEnd(9)} ${'webgpu'.padEnd(12)} ${ms.toFixed(2).padStart(9)} ${gflops.toFixed(2).padStart(9)}   ${w.title}${gpuMs !== undefined ? ` (GPU timestamps: ${gpuMs.toFixed(2)} ms)` : ''}`,
      );
  }
  const wantTrain =
    args.includes('--train') || (!args.includes('--no-train') && !only && !fallback);
  if (fallback && !args.includes('--train') && !args.includes('--no-train') && !only) {
    say(
      `train: ${TRAIN_MODEL} skipped on a fallback adapter (minutes per step there); --train runs it`,
    );
  }
  if (wantTrain && existsSync(fileURLToPath(MODELS))) {
    const zoo = (await import(MODELS.href)) as Zoo;
    for (const [workload, prepare, what] of [
      ['train', trainStep, 'SGD step'],
      ['infer', inferStep, 'eval forward (fused conv → BN → ReLU)'],
    ] as const) {
      for (const name of ['webgpu', 'cpu']) {
        await setBackend(name);
        const p = prepare(zoo, batch);
        const b = getBackend();
        const once = async (): Promise<number> => {
          const t0 = performance.now();
          p.step();
          if (b === backend) await backend.sync();
          return performance.now() - t0;
        };
        await once();
        const times: number[] = [];
        const n = name === 'webgpu' ? minRuns : 3;
        const dispatches = backend.execStats.dispatches;
        for (let i = 0; i < n; i++) times.push(await once());
        const perStep = (backend.execStats.dispatches - dispatches) / n;
        p.dispose();
        const ms = median(times);
        const imagesPerSec = (batch * 1000) / ms;
        const row = {
          workload,
          model: TRAIN_MODEL,
          backend: name,
          ...(name === 'webgpu' ? { adapter, fallback, dispatches: perStep } : {}),
          ms: +ms.toFixed(3),
          imagesPerSec: +imagesPerSec.toFixed(2),
          runs: times.length,
          batch,
        };
        if (json) console.log(JSON.stringify(row));
        else
          say(
            `${workload.padEnd(9)} ${name.padEnd(12)} ${ms.toFixed(2).padStart(9)} ${imagesPerSec.toFixed(1).padStart(9)} img/s   ${TRAIN_MODEL} ${what}, batch ${batch}${name === 'webgpu' ? `, ${perStep} dispatches` : ''}`,
          );
      }
    }
  }
  say('W4 counts only its two convs (BN, ReLU, shuffles excluded); W5 = 3 × W4 conv FLOPs.');
  say('W6–W8: tiny-group 3×3 convs (W8: depthwise, groups = channels, training step).');
  if (fallback)
    say('SwiftShader / fallback adapter: CPU emulation of Vulkan; not a measure of GPU speed.');
  backend.dispose();
}

await main();
process.exit(0);
