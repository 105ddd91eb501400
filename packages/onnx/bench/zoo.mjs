// Zoo models on the CPU backend: training throughput (one SGD step: forward, cross-entropy,
// backward, momentum update) and eval-mode inference, the latter against onnxruntime running the
// model exported by this package. Needs `pnpm build`.
//
//   pnpm --filter @igcnet/onnx bench [--models igcv3-cifar,igc-l24m2-d20] [--batch 64]
//                                    [--rounds 3] [--size 32] [--json]
//
// The models' steps are interleaved round by round in one process, so a busy machine slows them
// alike; each figure is the median over the rounds (after one warm-up round). onnxruntime runs
// with as many intra-op threads as the CPU backend uses and with its default.
import { cpuFlags } from '@igcnet/cpu';
import { createModel } from '@igcnet/models';
import {
  cast,
  randomNormal,
  randomUniform,
  sgdUpdate,
  softmaxCrossEntropy,
  tidy,
  valueAndGrads,
  variable,
  zeros,
} from '@igcnet/tensor';
import ort from 'onnxruntime-node';
import { exportOnnx } from '../dist/index.js';

function arg(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = arg(args, '--models', 'igcv3-cifar,igc-l24m2-d20').split(',');
const batch = Number(arg(args, '--batch', '64'));
const rounds = Number(arg(args, '--rounds', '3'));
const size = Number(arg(args, '--size', '32'));
// The CPU backend's thread count (IGCNET_CPU_THREADS, or its default).
const threads = cpuFlags.get('threads');

async function prepare(name) {
  const net = createModel(name, { seed: 1 });
  const params = net.parameters();
  const vel = params.map((p) => variable(zeros(p.shape)));
  const x = tidy(() => randomNormal([batch, 3, size, size], { seed: 6 }));
  const labels = tidy(() =>
    cast(randomUniform([batch], { seed: 7, min: 0, max: net.numClasses }), 'int32'),
  );
  const input = Float32Array.from(await x.data());
  const onnx = await exportOnnx(net, { modelName: name, inputShape: [3, size, size] });
  const sessions = {};
  for (const [k, n] of [
    ['pinned', threads],
    ['default', 0],
  ]) {
    sessions[k] = await ort.InferenceSession.create(onnx, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(n > 0 ? { intraOpNumThreads: n } : {}),
    });
  }
  const feeds = { input: new ort.Tensor('float32', input, [batch, 3, size, size]) };
  return {
    name,
    train() {
      net.train();
      const t0 = performance.now();
      tidy(() => {
        const { grads } = valueAndGrads(() => softmaxCrossEntropy(net.forward(x), labels), params);
        params.forEach((p, i) => {
          sgdUpdate(p, grads[i], vel[i], { lr: 0.01, momentum: 0.9 });
        });
      });
      return performance.now() - t0;
    },
    infer() {
      net.eval();
      const t0 = performance.now();
      tidy(() => net.forward(x).dataSync());
      return performance.now() - t0;
    },
    async ort(which) {
      const t0 = performance.now();
      await sessions[which].run(feeds);
      return performance.now() - t0;
    },
    async dispose() {
      for (const s of Object.values(sessions)) await s.release();
      for (const t of [x, labels, ...vel]) t.dispose();
      net.dispose();
    },
  };
}

const say = (s) => {
  if (!json) console.log(s);
};
say(
  `CPU backend, ${threads} threads; batch ${batch}, ${size}×${size}; median of ${rounds} interleaved rounds after a warm-up`,
);
const nets = [];
for (const n of names) nets.push(await prepare(n));
const times = new Map(nets.map((n) => [n.name, { train: [], infer: [], pinned: [], default: [] }]));
for (let r = 0; r <= rounds; r++) {
  for (const n of nets) {
    const t = times.get(n.name);
    const train = n.train();
    const infer = n.infer();
    const pinned = await n.ort('pinned');
    const dflt = await n.ort('default');
    if (r === 0) continue; // warm-up: JIT, scratch, pipeline caches
    t.train.push(train);
    t.infer.push(infer);
    t.pinned.push(pinned);
    t.default.push(dflt);
  }
}
for (const n of nets) {
  const t = times.get(n.name);
  const row = {
    model: n.name,
    batch,
    size,
    threads,
    trainMs: +median(t.train).toFixed(1),
    trainImagesPerSec: +((batch * 1000) / median(t.train)).toFixed(2),
    inferMs: +median(t.infer).toFixed(1),
    ortMs: +median(t.pinned).toFixed(1),
    ortDefaultMs: +median(t.default).toFixed(1),
  };
  if (json) console.log(JSON.stringify(row));
  else
    say(
      `${row.model.padEnd(22)} train ${String(row.trainMs).padStart(8)} ms/step ${String(row.trainImagesPerSec).padStart(7)} img/s   ` +
        `infer ${String(row.inferMs).padStart(7)} ms   onnxruntime ${String(row.ortMs).padStart(7)} ms (${threads} threads), ${row.ortDefaultMs} ms (default threads)`,
    );
  await n.dispose();
}
process.exit(0);
