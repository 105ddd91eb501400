import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mpiStatus } from '@igcnet/distributed';
import { loadCheckpoint } from '@igcnet/trainer/node';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../../test/global-setup.js';
import { withoutTimings } from '../../test/metrics.js';
import {
  findProcesses,
  igc,
  mpiEnv,
  NetnsPair,
  relativeDistance,
  start,
  summary,
  vulkanMissing,
} from '../../test/mpi.js';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { tempDir } from './test-fixtures.js';

const status = mpiStatus();
const missing = status.available ? undefined : status.reason;
if (missing) console.warn(`igc train --nproc tests skipped: ${missing}`);
const netnsMissing = missing ?? NetnsPair.why();
const gpuMissing = missing ?? vulkanMissing();
if (netnsMissing && !missing) console.warn(`network-namespace test skipped: ${netnsMissing}`);

// IGC-L4M2 (depth 8) on embedded MNIST, a global batch of 32; SMALL: 20 steps an epoch.
const BASE = ['--backend', 'cpu', '--model', 'igc-l4m2-ident-d8', '--batch-size', '32', '--json'];
const SMALL = [...BASE, '--train-limit', '640', '--test-limit', '100'];

describe('igc train without a data-parallel world', () => {
  it('asks for --nproc or --distributed with --sync-bn, and rejects --nproc 0', async () => {
    const io = memoryIo(await tempDir());
    expect(await main(['train', '--sync-bn'], io)).toBe(2);
    expect(io.stderr.join('')).toMatch(/--sync-bn needs --nproc N or --distributed/);
    expect(await main(['train', '--nproc', '0'], io)).toBe(2);
    expect(io.stderr.join('')).toMatch(/--nproc must be a whole number from 1 to 4096, got '0'/);
  });
});

describe.skipIf(missing !== undefined)(
  `igc train on several processes (Open MPI)${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('2 ranks with --sync-bn take the steps of 1 process with the same global batch', async () => {
      const dir = await tempDir();
      const tag = `eq${process.pid}`;
      const one = await igc(['train', ...SMALL, '--out', 'one'], dir, tag);
      expect(one.code, one.stderr).toBe(0);
      const sync = await igc(
        ['train', '--nproc', '2', '--sync-bn', ...SMALL, '--out', 'sync'],
        dir,
        tag,
      );
      expect(sync.code, sync.stderr).toBe(0);
      const local = await igc(['train', '--nproc', '2', ...SMALL, '--out', 'local'], dir, tag);
      expect(local.code, local.stderr).toBe(0);

      const s1 = summary(one.stdout);
      const s2 = summary(sync.stdout); // one summary: only rank 0 reports
      expect(s2).toMatchObject({ worldSize: 2, syncBn: true, images: 640 });
      expect(s1).toMatchObject({ worldSize: 1, images: 640 });
      expect(sync.stderr).toMatch(
        /batch 32 \(global: 16 per process × 2 processes, synchronised batch norm\)/,
      );
      const ck = (d: string) => join(dir, d, 'checkpoint.safetensors');
      // Equal to rounding, grown over 20 steps (≈1e-6 measured); per-process BN really differs.
      expect(await relativeDistance(ck('one'), ck('sync'))).toBeLessThan(1e-4);
      expect(await relativeDistance(ck('one'), ck('local'))).toBeGreaterThan(1e-3);
      expect(s2.trainLoss as number).toBeCloseTo(s1.trainLoss as number, 4);
      const meta = (await loadCheckpoint(ck('sync'))).meta;
      expect(meta.extra).toMatchObject({ worldSize: 2, syncBn: true });
      const lines = (await readFile(join(dir, 'sync', 'metrics.jsonl'), 'utf8')).trim().split('\n');
      // One epoch line, and step lines from rank 0 alone (20 steps: one line each).
      expect(lines.filter((l) => JSON.parse(l).type !== 'log')).toHaveLength(1);
      expect(lines.filter((l) => JSON.parse(l).type === 'log')).toHaveLength(20);
    }, 300_000);

    it('--nproc 2 learns MNIST (≥ 90 %), and its checkpoint evaluates the same in one process', async () => {
      const dir = await tempDir();
      // 600 steps of 32 images: IGC nets this small leave the loss plateau after ~200.
      const more = ['--train-limit', '6400', '--test-limit', '1000', '--epochs', '3'];
      const args = ['train', '--nproc', '2', ...BASE, ...more, '--out', 'run'];
      // Bounded generously: on a loaded 2-core machine an epoch took 90 s.
      const r = await igc(args, dir, `acc${process.pid}`, 600_000);
      expect(r.code, r.stderr).toBe(0);
      const s = summary(r.stdout);
      expect(s).toMatchObject({ worldSize: 2, images: 19200, testImages: 1000 });
      expect(s.testAccuracy as number).toBeGreaterThanOrEqual(0.9);
      expect(s.liveTensors).toBe(0);
      const io = memoryIo(dir);
      const evalArgs = ['eval', '--checkpoint', 'run/checkpoint.safetensors', '--limit', '1000'];
      expect(await main([...evalArgs, '--backend', 'cpu', '--json'], io)).toBe(0);
      const e = JSON.parse(io.stdout[0]!);
      // Sharded evaluation summed over ranks counts what one process counts.
      expect(e.count).toBe(1000);
      expect(1 - e.top1Error).toBeCloseTo(s.testAccuracy as number, 6);
    }, 700_000);

    it('a rank killed with -9 ends the job within 30 s, naming it; --resume continues to the uninterrupted numbers', async () => {
      const dir = await tempDir();
      const tag = `kill${process.pid}`;
      const args = ['train', '--nproc', '2', ...SMALL, '--epochs', '4'];
      const job = start(process.execPath, [CLI_BUNDLE, ...args, '--out', 'run'], {
        cwd: dir,
        env: mpiEnv(tag),
        timeoutMs: 240_000,
      });
      const metrics = join(dir, 'run', 'metrics.jsonl');
      let victim: number | undefined;
      for (let i = 0; i < 1200 && victim === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const done = await readFile(metrics, 'utf8').catch(() => '');
        // An epoch line (step lines come before it) means the first checkpoint is written.
        const epochLines = done
          .trim()
          .split('\n')
          .filter((l) => l.includes('"trainLoss"') && !l.includes('"type":"log"'));
        if (epochLines.length >= 1) {
          [victim] = await findProcesses([`IGCNET_TEST_TAG=${tag}`, 'OMPI_COMM_WORLD_RANK=1']);
        }
      }
      expect(victim, `no rank 1 found after epoch 1\n${job.stderr}`).toBeDefined();
      const t0 = performance.now();
      process.kill(victim!, 'SIGKILL');
      const { code } = await job.done;
      const seconds = (performance.now() - t0) / 1000;
      expect(code).not.toBe(0);
      expect(seconds).toBeLessThan(30);
      expect(job.stderr).toMatch(
        /the job failed: rank 1 \(PID \d+ on \S+\) was killed by signal 9/,
      );
      expect(await findProcesses([`IGCNET_TEST_TAG=${tag}`])).toEqual([]);
      const saved = await loadCheckpoint(join(dir, 'run', 'checkpoint.safetensors'));
      expect(saved.meta.epoch).toBeGreaterThanOrEqual(1);
      expect(saved.meta.epoch).toBeLessThan(4);

      const resumed = await igc([...args, '--out', 'run', '--resume'], dir, tag);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(summary(resumed.stdout)).toMatchObject({ epochsDone: 4, worldSize: 2 });
      const whole = await igc([...args, '--out', 'whole'], dir, tag);
      expect(whole.code, whole.stderr).toBe(0);
      const a = await loadCheckpoint(join(dir, 'run', 'checkpoint.safetensors'));
      const b = await loadCheckpoint(join(dir, 'whole', 'checkpoint.safetensors'));
      for (const [name, t] of b.model) expect(a.model.get(name)!.data, name).toEqual(t.data);
      expect(withoutTimings(await readFile(metrics, 'utf8'))).toEqual(
        withoutTimings(await readFile(join(dir, 'whole', 'metrics.jsonl'), 'utf8')),
      );
    }, 300_000);

    it.skipIf(gpuMissing !== undefined)(
      `WebGPU ranks sum their gradients on the host: the same steps as CPU ranks${gpuMissing ? ` (skipped: ${gpuMissing})` : ''}`,
      async () => {
        const dir = await tempDir();
        // 4 steps of 16 on SwiftShader (slow, so small).
        const args = ['train', '--nproc', '2', '--model', 'igc-l4m2-ident-d8', '--json'];
        const tiny = ['--batch-size', '16', '--train-limit', '64', '--test-limit', '32'];
        const gpu = await igc(
          [...args, ...tiny, '--backend', 'webgpu', '--out', 'gpu'],
          dir,
          'gpu',
        );
        expect(gpu.code, gpu.stderr).toBe(0);
        expect(summary(gpu.stdout)).toMatchObject({ backend: 'webgpu', worldSize: 2, images: 64 });
        const cpu = await igc([...args, ...tiny, '--backend', 'cpu', '--out', 'cpu'], dir, 'gpu');
        expect(cpu.code, cpu.stderr).toBe(0);
        const ck = (d: string) => join(dir, d, 'checkpoint.safetensors');
        // 1.3e-8 measured: kernels differ in rounding only.
        expect(await relativeDistance(ck('cpu'), ck('gpu'))).toBeLessThan(1e-5);
      },
      300_000,
    );

    it.skipIf(netnsMissing !== undefined)(
      `trains across two network namespaces over TCP, as on two machines${netnsMissing ? ` (skipped: ${netnsMissing})` : ''}`,
      async () => {
        const dir = await tempDir();
        const tag = `ns${process.pid}`;
        const pair = new NetnsPair(String(process.pid));
        try {
          const mpirunOptions = await pair.up(dir);
          const cmd = [
            'mpirun',
            '-np',
            '2',
            ...mpirunOptions,
            process.execPath,
            CLI_BUNDLE,
            'train',
            '--distributed',
            ...SMALL,
            '--out',
            'run',
          ];
          const r = start('ip', pair.exec(cmd[0]!, cmd.slice(1)), {
            cwd: dir,
            env: mpiEnv(tag),
            timeoutMs: 180_000,
          });
          const { code } = await r.done;
          expect(code, `${r.stdout}\n${r.stderr}`).toBe(0);
          expect(summary(r.stdout)).toMatchObject({ worldSize: 2, images: 640 });
          const ck = await loadCheckpoint(join(dir, 'run', 'checkpoint.safetensors'));
          expect(ck.meta.extra).toMatchObject({ worldSize: 2 });
        } finally {
          pair.down();
        }
      },
      200_000,
    );
  },
);
