import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMnist } from '@igcnet/datasets';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutTimings } from '../../test/metrics.js';
import { memoryIo } from '../io.js';
import { main } from '../main.js';

// A few hundred embedded MNIST images keep these runs to seconds; the full main job is measured
// by hand (see the README) because it takes minutes.
const QUICK = [
  '--backend',
  'cpu',
  '--train-limit',
  '320',
  '--test-limit',
  '200',
  '--batch-size',
  '32',
  '--model',
  'igc-l4m2-ident-d8',
];

describe('igc train, eval, predict, report', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'igc-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains on the embedded MNIST and ends with the JSON summary', async () => {
    const io = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--epochs', '2', '--out', 'run', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.at(-1)!);
    expect(r).toMatchObject({
      model: 'igc-l4m2-ident-d8',
      dataset: 'mnist',
      backend: 'cpu',
      epochs: 2,
      images: 640,
      testImages: 200,
    });
    for (const k of ['testAccuracy', 'testTop5Accuracy', 'seconds'])
      expect(typeof r[k]).toBe('number');
    expect(r.testTop5Accuracy).toBeGreaterThanOrEqual(r.testAccuracy);
    expect(r.liveTensors).toBe(0);
    // Plain progress lines when the output is not a terminal.
    expect(io.stderr.join('')).toMatch(/epoch 1\/2 step \d+\/10 .* img\/s .*loss .*ETA/);
    const lines = (await readFile(join(dir, 'run', 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.filter((l) => JSON.parse(l).type === 'epoch')).toHaveLength(2);
    expect(lines.filter((l) => JSON.parse(l).type === 'log')).toHaveLength(20);
  });

  it('resumes to the same numbers as an uninterrupted run', async () => {
    const a = memoryIo(dir);
    expect(
      await main(
        ['train', ...QUICK, '--epochs', '2', '--until', '1', '--out', 'half', '--json'],
        a,
      ),
    ).toBe(0);
    expect(JSON.parse(a.stdout.at(-1)!)).toMatchObject({ epochs: 2, epochsDone: 1 });
    const b = memoryIo(dir);
    expect(
      await main(['train', ...QUICK, '--epochs', '2', '--out', 'half', '--resume', '--json'], b),
    ).toBe(0);
    const strip = withoutTimings;
    const full = strip(await readFile(join(dir, 'run', 'metrics.jsonl'), 'utf8'));
    const resumed = strip(await readFile(join(dir, 'half', 'metrics.jsonl'), 'utf8'));
    expect(resumed).toEqual(full);
    const bad = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--out', 'nothing-here', '--resume'], bad)).toBe(1);
    expect(bad.stderr.join('')).toMatch(/--resume: no checkpoint at .*nothing-here/);
  });

  it('evaluates a checkpoint', async () => {
    const io = memoryIo(dir);
    expect(
      await main(
        [
          'eval',
          '--checkpoint',
          'run/checkpoint.safetensors',
          '--limit',
          '200',
          '--backend',
          'cpu',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const r = JSON.parse(io.stdout[0]!);
    expect(r).toMatchObject({ model: 'igc-l4m2-ident-d8', dataset: 'mnist', count: 200 });
    const trained = (await readFile(join(dir, 'run', 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'epoch')[1];
    expect(r.top1Error).toBeCloseTo(trained.testTop1Error, 6);
    const text = memoryIo(dir);
    expect(
      await main(
        ['eval', '--checkpoint', 'run/checkpoint.safetensors', '--limit', '50', '--backend', 'cpu'],
        text,
      ),
    ).toBe(0);
    expect(text.stdout[0]).toMatch(/top-1 error \d+\.\d\d%, top-5 error \d+\.\d\d%/);
  });

  it('eval takes --test-limit like train (--limit stays an alias) and honours --batch-size', async () => {
    const io = memoryIo(dir);
    const ckpt = ['eval', '--checkpoint', 'run/checkpoint.safetensors', '--backend', 'cpu'];
    expect(await main([...ckpt, '--test-limit', '40', '--batch-size', '16', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ count: 40, batchSize: 16 });
    const both = memoryIo(dir);
    expect(await main([...ckpt, '--test-limit', '40', '--limit', '30'], both)).toBe(2);
    expect(both.stderr[0]).toMatch(/--limit is another name for --test-limit; give only one/);
  });

  it('predicts the classes of PNG images', async () => {
    const test = await readMnist({ split: 'test' });
    const files: string[] = [];
    for (const i of [0, 1]) {
      const s = test.get(i) as { image: Uint8Array };
      const f = join(dir, `digit${i}.png`);
      await sharp(Buffer.from(s.image), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toFile(f);
      files.push(f);
    }
    const io = memoryIo(dir);
    expect(
      await main(
        [
          'predict',
          '--checkpoint',
          'run/checkpoint.safetensors',
          ...files,
          '--backend',
          'cpu',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const r = JSON.parse(io.stdout[0]!) as {
      file: string;
      predictions: { class: string; probability: number }[];
    }[];
    expect(r).toHaveLength(2);
    for (const p of r) {
      expect(p.predictions).toHaveLength(5);
      const total = p.predictions.reduce((s, q) => s + q.probability, 0);
      expect(total).toBeLessThanOrEqual(1 + 1e-6);
      expect(p.predictions[0]!.probability).toBeGreaterThanOrEqual(p.predictions[1]!.probability);
    }
    const bad = memoryIo(dir);
    await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
      .png()
      .toFile(join(dir, 'ok.png'));
    expect(
      await main(
        [
          'predict',
          '--checkpoint',
          'run/checkpoint.safetensors',
          join(dir, 'missing.png'),
          '--backend',
          'cpu',
        ],
        bad,
      ),
    ).toBe(1);
    expect(bad.stderr.join('')).toMatch(/missing\.png: cannot read \(ENOENT\)/);
  });

  it('writes an HTML report', async () => {
    const io = memoryIo(dir);
    expect(await main(['report', 'run', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]!);
    expect(r.epochs).toBe(2);
    const html = await readFile(r.report, 'utf8');
    expect(html).toContain('igcnet run: igc-l4m2-ident-d8 on mnist');
    expect(html).toContain('<div id="charts">');
  });
});

describe('igc train --profile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'igc-profile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('profiles N steps after a warm-up, prints the kernels per step and writes nothing', async () => {
    const io = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--profile', '2', '--out', 'prof', '--json'], io)).toBe(
      0,
    );
    const r = JSON.parse(io.stdout.at(-1)!);
    expect(r).toMatchObject({ model: 'igc-l4m2-ident-d8', backend: 'cpu', profiledSteps: 2 });
    const byName = new Map<string, { calls: number; bytesIn: number }>(
      r.profile.kernels.map((k: { name: string; calls: number; bytesIn: number }) => [k.name, k]),
    );
    // Every step runs the convs forward and backward and one fused update per parameter.
    for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'SGDUpdate'])
      expect(byName.get(k)?.calls, k).toBeGreaterThan(0);
    for (const k of byName.values()) expect(k.calls % 2, JSON.stringify(k)).toBe(0);
    expect(r.profile.newTensors).toBe(0);
    await expect(readFile(join(dir, 'prof', 'metrics.jsonl'))).rejects.toThrow(/ENOENT/);

    const table = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--profile', '1'], table)).toBe(0);
    const text = table.stdout.join('\n');
    expect(text).toMatch(/igc train --profile 1: igc-l4m2-ident-d8 on mnist, batch 32/);
    expect(text).toMatch(/^kernel\s+calls\s+ms\s+%/m);
    expect(text).toMatch(/^Conv2DBackpropInput\s+\d+\s/m);
    expect(text).toMatch(/^total\s/m);
  });

  it('says when the data ends before the profiled steps, and refuses bad values', async () => {
    const short = memoryIo(dir);
    expect(
      await main(
        ['train', ...QUICK, '--train-limit', '64', '--epochs', '1', '--profile', '5'],
        short,
      ),
    ).toBe(1);
    expect(short.stderr.join('')).toMatch(/--profile 5: training ended after 2 step\(s\)/);
    const zero = memoryIo(dir);
    expect(await main(['train', '--profile', '0'], zero)).toBe(2);
    expect(zero.stderr.join('')).toMatch(/--profile must be a whole number from 1 to 10000/);
    const mpi = memoryIo(dir);
    expect(await main(['train', '--profile', '2', '--nproc', '2'], mpi)).toBe(2);
    expect(mpi.stderr.join('')).toMatch(/--profile profiles one process/);
  });
});
