#!/usr/bin/env node
// Data-parallel figures on this machine (run after `pnpm build`; needs Open MPI):
//  1. training images/s of IGC-L24M2-d20 on CIFAR-10, one process with T threads against T
//     processes with one thread each (`igc train --nproc T`), alternated so that load drifts
//     touch both; the second epoch is timed (the first warms up);
//  2. the gradient sum of one step (GradientBuckets' 4 MiB buckets) for IGC-L24M2-d20,
//     IGC-L100M2 and ResNet-18, communication alone (packages/distributed/bench/allreduce.mjs).
//
//   node scripts/bench-data-parallel.mjs [--data-dir D] [--threads T] [--images N] [--repeats R]
//
// As root, Open MPI wants OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'data-dir': {
      type: 'string',
      default: join(ROOT, '..', 'shared', 'data', 'cifar-10-batches-bin'),
    },
    threads: { type: 'string', default: '2' },
    images: { type: 'string', default: '640' },
    repeats: { type: 'string', default: '2' },
  },
});
const threads = Number(values.threads);
const bin = join(ROOT, 'apps', 'cli', 'dist', 'bin.js');
const scratch = mkdtempSync(join(tmpdir(), 'igc-bench-dp-'));

function train(label, extra, env) {
  const out = join(scratch, `${label}-${Math.random().toString(36).slice(2)}`);
  const args = [
    bin,
    'train',
    ...extra,
    '--dataset',
    'cifar10',
    '--data-dir',
    values['data-dir'],
    '--model',
    'igc-l24m2-d20',
    '--backend',
    'cpu',
    '--batch-size',
    '64',
    '--train-limit',
    values.images,
    '--test-limit',
    '64',
    '--epochs',
    '2',
    '--out',
    out,
    '--json',
  ];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1));
  const epochs = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const steps = Math.ceil(Number(values.images) / 64) * 2;
  return {
    label,
    imagesPerSec: Number(epochs[1].imagesPerSec.toFixed(1)),
    allreduceMsPerStep: Number(((1000 * summary.allreduceSeconds) / steps).toFixed(2)),
  };
}

try {
  const rows = [];
  for (let i = 0; i < Number(values.repeats); i++) {
    rows.push(train(`1 process × ${threads} threads`, [], { IGCNET_CPU_THREADS: String(threads) }));
    rows.push(
      train(`${threads} processes × 1 thread`, ['--nproc', String(threads)], {
        IGCNET_CPU_THREADS: '1',
      }),
    );
  }
  for (const r of rows) console.log(JSON.stringify({ bench: 'igc-l24m2-d20 training', ...r }));
  const bench = join(ROOT, 'packages', 'distributed', 'bench', 'allreduce.mjs');
  for (const [model, floats] of [
    ['igc-l24m2-d20', 156000],
    ['igc-l100m2-ident-imagenet', 8637900],
    ['resnet18', 11689512],
  ]) {
    for (const btl of ['self,vader', 'self,tcp']) {
      const r = spawnSync(
        'mpirun',
        [
          '--bind-to',
          'none',
          '--mca',
          'btl',
          btl,
          '-np',
          String(threads),
          process.execPath,
          bench,
          '--floats',
          String(floats),
          '--iters',
          floats > 1e6 ? '20' : '100',
        ],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`allreduce bench failed:\n${r.stderr}`);
      console.log(
        JSON.stringify({
          bench: 'gradient allreduce per step',
          model,
          btl,
          ...JSON.parse(r.stdout.trim()),
        }),
      );
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
