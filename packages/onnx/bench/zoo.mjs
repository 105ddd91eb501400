// Whole networks on the CPU backend: training throughput (one step as `igc train` runs it:
// forward, cross-entropy, backward, Nesterov SGD), eval-mode inference against onnxruntime-node
// running the model this package exports, IGC nets against the regular nets they replace, and W3
// (a regular 3×3 conv) against onnxruntime. Needs `pnpm build`; `pnpm bench` runs it after the
// kernel rows.
//
//   pnpm --filter @igcnet/onnx bench [--only l24m2,main,pair-d8,pair-d20,W3]
//        [--models igcv3-cifar,igc-l24m2-d20] [--batch 64] [--rounds 5] [--quick]
//        [--baseline /path/to/other/checkout] [--ort-default] [--profile] [--json]
//
// --only     rows by id (case-insensitive; the kernel benchmark's ids that are not rows here are
//            ignored, so `pnpm bench --only W3` runs W3 here too)
// --models   extra zoo nets at 3×32×32: training and inference rows, as the `l24m2` row
// --baseline another built checkout of igcnet: every training and inference figure is measured
//            on it too, in the same rounds, and printed beside ours (before/after in one run)
// --baseline-env K=V[,K=V]  environment of the baseline's process; alone, the baseline is this
//            tree under those settings (e.g. IGCNET_FUSE_BN_RELU=0: fusion off, side by side)
// --ort-default  also run onnxruntime with its default intra-op threads
// --raw      also every step's time in every round (wall and CPU ms), to see the spread
// --profile  after the rounds, the kernel table (`profile` of @igcnet/tensor) of one training
//            step of each selected net, on this tree (and on the baseline where it has `profile`)
//
// Each tree, and onnxruntime, runs in a process of its own (host.mjs) that waits while another
// runs: no heap, garbage collector or worker thread is shared. Every step of every selected row
// (and both trees) runs once per round (a short one several times), in an order shuffled each
// round, so a busy machine slows them alike; figures are medians over the rounds after one
// warm-up round. onnxruntime runs with as many intra-op threads as the CPU backend uses. Beside
// each ratio of wall times, "CPU time ×r" is the same ratio of the step's process's CPU time
// (all its threads): on a machine other jobs share, it moves far less than wall time, since it
// leaves out the time other processes hold the cores.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { netSpec, w3Flops } from './measures.mjs';
import { HERE } from './trees.mjs';

function arg(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const L24M2 = netSpec('igc-l24m2-d20', [3, 32, 32]);
/** The main job's model (`igc train`'s MNIST preset) at MNIST's shape. */
const MAIN = netSpec('igc-l4m4-d8', [1, 28, 28]);

/**
 * The rows. `net` rows train and infer a model (and run onnxruntime on its export); `pair` rows
 * train an IGC net and the regular net of equal parameters and computation it replaces
 * (paper.md Table 1) and give their img/s ratio, against `target` (the nets' MAC ratio).
 */
const ROWS = [
  { id: 'l24m2', kind: 'net', spec: L24M2 },
  { id: 'main', kind: 'net', spec: MAIN },
  {
    id: 'pair-d8',
    kind: 'pair',
    igc: netSpec('igc-l4m8-d8', [3, 32, 32]),
    reg: netSpec('regconv-w16-d8', [3, 32, 32]),
    target: 0.93,
  },
  {
    id: 'pair-d20',
    kind: 'pair',
    igc: L24M2,
    reg: netSpec('regconv-w16-d20', [3, 32, 32]),
    target: 0.93,
  },
  { id: 'W3', kind: 'w3' },
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const batch = Number(arg(args, '--batch', '64'));
const rounds = Number(arg(args, '--rounds', quick ? '3' : '5'));
const only = arg(args, '--only')
  ?.split(',')
  .map((s) => s.toLowerCase());
const extra = arg(args, '--models')?.split(',') ?? [];
const baselineEnv = Object.fromEntries(
  (arg(args, '--baseline-env')?.split(',') ?? []).map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`--baseline-env takes K=V pairs, got '${kv}'`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }),
);
const baselineRoot =
  arg(args, '--baseline') ?? (Object.keys(baselineEnv).length > 0 ? HERE : undefined);
const ortDefault = args.includes('--ort-default');
const profileSteps = args.includes('--profile');
const raw = args.includes('--raw');
for (const [name, v] of [
  ['--batch', batch],
  ['--rounds', rounds],
]) {
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`${name} must be a positive integer, got ${v}`);
}

const rows = [
  ...ROWS.filter((r) => !only || only.includes(r.id.toLowerCase())),
  ...extra.map((m) => ({ id: m, kind: 'net', spec: netSpec(m, [3, 32, 32]) })),
];
const say = (s) => {
  if (!json) console.log(s);
};
if (rows.length === 0) {
  say('\nnetworks: no row selected (ids: l24m2, main, pair-d8, pair-d20, W3)');
  process.exit(0);
}

/** A host process (host.mjs) for the tree at `root`; `call` sends one request and awaits it. */
function startHost(root, label, env = {}) {
  const child = fork(join(HERE, 'packages', 'onnx', 'bench', 'host.mjs'), [root, label], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const pending = new Map();
  let next = 0;
  let ready;
  const readyP = new Promise((resolve) => {
    ready = resolve;
  });
  const fail = (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  child.on('message', (m) => {
    if (m.ready) return ready();
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`${label}: ${m.error}`));
    else p.resolve(m);
  });
  child.on('exit', (code) => {
    if (code !== 0) fail(new Error(`${label}: the host process exited with ${code}`));
  });
  return {
    label,
    ready: readyP,
    call(op, data = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, op, ...data });
      });
    },
  };
}

const hosts = { ours: startHost(HERE, 'ours') };
if (baselineRoot) hosts.base = startHost(baselineRoot, 'base', baselineEnv);
// onnxruntime in a process of its own, with this tree's exporter.
hosts.ort = startHost(HERE, 'onnxruntime');
await Promise.all(Object.values(hosts).map((h) => h.ready));
const info = await hosts.ours.call('info');
// Ours sizes onnxruntime's pool.
const threads = info.threads;
const trees = baselineRoot ? ['ours', 'base'] : ['ours'];

/** Steps by key; rows share them (IGC-L24M2-d20's training step serves two rows). */
const steps = new Map();
function step(key, host, request) {
  if (!steps.has(key)) steps.set(key, { key, host, request, times: [], cpu: [] });
}
const specKey = (s) => `${s.model}@${s.shape.join('x')}`;

for (const row of rows) {
  if (row.kind === 'net') {
    const k = specKey(row.spec);
    for (const t of trees) {
      step(`train:${t}:${k}`, t, { kind: 'train', spec: row.spec, batch });
      step(`infer:${t}:${k}`, t, { kind: 'infer', spec: row.spec, batch });
    }
    step(`ort:${k}`, 'ort', { kind: 'ort', spec: row.spec, batch, threads });
    if (ortDefault)
      step(`ortdefault:${k}`, 'ort', { kind: 'ort', spec: row.spec, batch, threads: 0 });
  } else if (row.kind === 'pair') {
    for (const t of trees) {
      for (const s of [row.igc, row.reg])
        step(`train:${t}:${specKey(s)}`, t, { kind: 'train', spec: s, batch });
    }
  } else {
    for (const t of trees) step(`infer:${t}:W3`, t, { kind: 'w3', batch });
    step('ort:W3', 'ort', { kind: 'ort', spec: 'W3', batch, threads });
    if (ortDefault) step('ortdefault:W3', 'ort', { kind: 'ort', spec: 'W3', batch, threads: 0 });
  }
}

const load0 = loadavg();
say(
  `\nnetworks: CPU backend ${threads} threads, onnxruntime-node ${threads} intra-op threads; batch ${batch}; ` +
    `median of ${rounds} interleaved rounds after a warm-up` +
    `${
      baselineRoot
        ? `; base = ${baselineRoot}${Object.entries(baselineEnv)
            .map(([k, v]) => ` ${k}=${v}`)
            .join('')}`
        : ''
    }`,
);
for (const s of steps.values()) await hosts[s.host].call('prepare', { key: s.key, ...s.request });
// Each round runs every step once, in an order shuffled per round (seeded), so that no step
// always follows the same neighbour (whose after-effects, caches or threads, it would inherit).
let seed = 0x9e3779b9;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const order = [...steps.values()];
for (let r = 0; r <= rounds; r++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const s of order) {
    // Short steps repeat within the round (to ≥ 300 ms, sized on the warm-up round), and the
    // round records their mean: one 20 ms step alone would time mostly the machine's noise.
    const t = await hosts[s.host].call('run', { key: s.key, reps: s.reps ?? 1 });
    if (r === 0) s.reps = Math.min(20, Math.max(1, Math.ceil(300 / t.ms)));
    else {
      s.times.push(t.ms);
      s.cpu.push(t.cpuMs);
    }
  }
}
const load1 = loadavg();
// One more training step per net and tree, profiled (after the rounds: profiling adds a timer
// call per kernel, and the tables are per-kernel shares, not the figures above).
const tables = [];
if (profileSteps) {
  const canProfile = { ours: info.canProfile, base: (await hosts.base?.call('info'))?.canProfile };
  for (const s of steps.values()) {
    if (s.request.kind !== 'train' || !canProfile[s.host]) continue;
    tables.push({ key: s.key, ...(await hosts[s.host].call('profile', { key: s.key })) });
  }
}
await Promise.all(Object.values(hosts).map((h) => h.call('exit')));

const ms = (key) => median(steps.get(key).times);
const ips = (key) => (steps.has(key) ? (batch * 1000) / ms(key) : undefined);
/** Median CPU milliseconds of the process (all its threads) per step. */
const cpuMs = (key) => median(steps.get(key).cpu);
/** How many times less CPU time `b` takes than `a` per step (> 1: a needs more). */
const cpuRatio = (a, b) => cpuMs(a) / cpuMs(b);
const f1 = (v) => (v === undefined ? '—' : v.toFixed(1));
const f2 = (v) => (v === undefined ? '—' : v.toFixed(2));
const base = trees[1];

for (const row of rows) {
  if (row.kind === 'net') {
    const k = specKey(row.spec);
    const out = {
      row: row.id,
      model: row.spec.model,
      inputShape: row.spec.shape,
      batch,
      threads,
      trainImagesPerSec: ips(`train:ours:${k}`),
      inferImagesPerSec: ips(`infer:ours:${k}`),
      ortImagesPerSec: ips(`ort:${k}`),
      ...(ortDefault ? { ortDefaultImagesPerSec: ips(`ortdefault:${k}`) } : {}),
      trainCpuMs: cpuMs(`train:ours:${k}`),
      inferCpuMs: cpuMs(`infer:ours:${k}`),
      ortCpuMs: cpuMs(`ort:${k}`),
      ...(base
        ? {
            baseTrainImagesPerSec: ips(`train:base:${k}`),
            baseInferImagesPerSec: ips(`infer:base:${k}`),
            baseTrainCpuMs: cpuMs(`train:base:${k}`),
            baseInferCpuMs: cpuMs(`infer:base:${k}`),
          }
        : {}),
    };
    out.inferVsOrt = out.inferImagesPerSec / out.ortImagesPerSec;
    out.inferVsOrtCpu = cpuRatio(`ort:${k}`, `infer:ours:${k}`);
    if (json) console.log(JSON.stringify(out));
    else {
      say(
        `${row.id.padEnd(9)} ${row.spec.model} ${row.spec.shape.join('×')}: train ${f1(out.trainImagesPerSec)} img/s` +
          `${base ? ` (base ${f1(out.baseTrainImagesPerSec)}: ×${f2(out.trainImagesPerSec / out.baseTrainImagesPerSec)}, CPU time ×${f2(cpuRatio(`train:base:${k}`, `train:ours:${k}`))})` : ''}` +
          `; infer ${f1(out.inferImagesPerSec)} img/s${base ? ` (base ${f1(out.baseInferImagesPerSec)}: ×${f2(out.inferImagesPerSec / out.baseInferImagesPerSec)}, CPU time ×${f2(cpuRatio(`infer:base:${k}`, `infer:ours:${k}`))})` : ''}` +
          `, onnxruntime ${f1(out.ortImagesPerSec)} img/s${ortDefault ? ` (default threads ${f1(out.ortDefaultImagesPerSec)})` : ''}` +
          ` → ${f2(out.inferVsOrt)}× onnxruntime (CPU time ×${f2(out.inferVsOrtCpu)})`,
      );
    }
  } else if (row.kind === 'pair') {
    const ratio = (t) =>
      ips(`train:${t}:${specKey(row.igc)}`) / ips(`train:${t}:${specKey(row.reg)}`);
    const out = {
      row: row.id,
      igc: row.igc.model,
      regular: row.reg.model,
      batch,
      threads,
      igcTrainImagesPerSec: ips(`train:ours:${specKey(row.igc)}`),
      regularTrainImagesPerSec: ips(`train:ours:${specKey(row.reg)}`),
      ratio: ratio('ours'),
      cpuRatio: cpuRatio(`train:ours:${specKey(row.reg)}`, `train:ours:${specKey(row.igc)}`),
      target: row.target,
      ...(base ? { baseRatio: ratio('base') } : {}),
    };
    if (json) console.log(JSON.stringify(out));
    else
      say(
        `${row.id.padEnd(9)} train ${row.igc.model} ${f1(out.igcTrainImagesPerSec)} img/s vs ${row.reg.model} ` +
          `${f1(out.regularTrainImagesPerSec)} img/s → ${f2(out.ratio)} (target ≥ ${row.target}; CPU time ${f2(out.cpuRatio)})` +
          `${base ? `; base ${f2(out.baseRatio)}` : ''}`,
      );
  } else {
    const flops = w3Flops(batch);
    const out = {
      row: 'W3',
      batch,
      threads,
      ms: ms('infer:ours:W3'),
      gflops: flops / (ms('infer:ours:W3') * 1e6),
      ortMs: ms('ort:W3'),
      ...(ortDefault ? { ortDefaultMs: ms('ortdefault:W3') } : {}),
      cpuMs: cpuMs('infer:ours:W3'),
      ortCpuMs: cpuMs('ort:W3'),
      ...(base ? { baseMs: ms('infer:base:W3'), baseCpuMs: cpuMs('infer:base:W3') } : {}),
    };
    out.vsOrt = out.ortMs / out.ms;
    out.vsOrtCpu = out.ortCpuMs / out.cpuMs;
    if (json) console.log(JSON.stringify(out));
    else
      say(
        `${'W3'.padEnd(9)} 3×3 conv 64→64, 32×32: ${f2(out.ms)} ms (${f1(out.gflops)} GFLOP/s)` +
          `${base ? ` (base ${f2(out.baseMs)} ms)` : ''}, onnxruntime ${f2(out.ortMs)} ms` +
          `${ortDefault ? ` (default threads ${f2(out.ortDefaultMs)} ms)` : ''} → ${f2(out.vsOrt)}× onnxruntime (CPU time ×${f2(out.vsOrtCpu)})`,
      );
  }
}
if (raw) {
  for (const s of steps.values()) {
    if (json) console.log(JSON.stringify({ step: s.key, reps: s.reps, ms: s.times, cpuMs: s.cpu }));
    else
      say(
        `${s.key} (×${s.reps}): ms ${s.times.map((v) => v.toFixed(1)).join(' ')}; CPU ms ${s.cpu.map((v) => v.toFixed(1)).join(' ')}`,
      );
  }
}
for (const t of tables) {
  if (json) console.log(JSON.stringify({ profile: t.key, ...t.profile, result: undefined }));
  else say(`\none training step, ${t.key.replace(/^train:/, '')}:\n${t.text}`);
}
const la = (l) => l.map((v) => v.toFixed(2)).join(' ');
if (json) console.log(JSON.stringify({ loadavgStart: load0, loadavgEnd: load1 }));
else say(`load average: ${la(load0)} at the start, ${la(load1)} at the end`);
process.exit(0);
