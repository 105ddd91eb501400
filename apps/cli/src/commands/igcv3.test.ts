import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { IGCV3_IMAGENET, PRESETS, presetFor } from '../runtime/presets.js';

describe('igc info and models for the IGC family', () => {
  it('prints IGCV3 counts checked against the official code, stages and the README results', async () => {
    const io = memoryIo();
    expect(await main(['info', 'igcv3-imagenet'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain('params (conv + FC): 3,427,144 (3.4271 M)');
    expect(out).toContain('params + BN:        3,491,688 (3.4917 M)');
    expect(out).toMatch(/MACs:\s+312,970,176/);
    expect(out).toContain(
      'stage 2: width 24, 4 units, stride 2, expansion 6, 1×1 convs in 2 groups',
    );
    expect(out).toContain('head: 1×1 conv to 1280 channels');
    expect(out).toContain('reference paramsWithBn: official code 3491688, ours 3491688 ✓');
    expect(out).toContain(
      'reported: #Params 3.5 M, top-1 70.6% / top-5 89.7%, after retrain 72.2% / 90.5%',
    );
    const cifar = memoryIo();
    expect(await main(['info', 'igcv3-cifar-w0.5', '--num-classes', '100', '--json'], cifar)).toBe(
      0,
    );
    const r = JSON.parse(cifar.stdout[0]!);
    expect(r.checks).toEqual([
      { quantity: 'paramsC100', expected: '750032', actual: '750032', scale: 1, ok: true },
    ]);
    expect(r.reference.reported.note).toMatch(/not width multipliers/);
  });

  it("shows the IGCV2 blocks beside an IGC net's equal budget", async () => {
    const io = memoryIo();
    expect(await main(['info', 'igc-l24m2-d20'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain('IGCV2 blocks at G = 48');
    expect(out).toContain('  K=4: L=4, groups of 4·4·3, 960 params');
    expect(out).toContain('  K=48: L=2, groups of 48, 2,736 params (Xception)');
  });

  it('lists the IGCV3 and MobileNetV2 nets and refuses an absurd width', async () => {
    const io = memoryIo();
    expect(await main(['models', '--dataset', 'cifar'], io)).toBe(0);
    const out = io.stdout.join('\n');
    for (const n of ['igcv3-cifar', 'igcv3-cifar-w0.7', 'igcv3-cifar-w0.5', 'mobilenetv2-cifar'])
      expect(out).toMatch(new RegExp(`^${n}\\s`, 'm'));
    const bad = memoryIo();
    expect(await main(['info', 'igcv3-cifar-w40'], bad)).toBe(1);
    expect(bad.stderr[0]).toMatch(/width multiplier must be in \[0\.25, 4\]/);
  });
});

describe('igc train with the IGCV3 recipes', () => {
  it('picks the repository recipe for IGCV3 and MobileNetV2 on ImageNet only', () => {
    expect(presetFor('imagenet', 'igcv3-imagenet-w0.5')).toBe(IGCV3_IMAGENET);
    expect(presetFor('imagenet', 'MobileNetV2-imagenet')).toBe(IGCV3_IMAGENET);
    expect(presetFor('imagenet', 'resnet18')).toBe(PRESETS.imagenet);
    expect(presetFor('imagenet')).toBe(PRESETS.imagenet);
    expect(presetFor('cifar10', 'igcv3-cifar')).toBe(PRESETS.cifar10);
    expect(IGCV3_IMAGENET).toMatchObject({
      batchSize: 96,
      lr: 0.045,
      lrFactor: 0.98,
      epochs: 480,
      weightDecay: 4e-5,
      momentum: 0.9,
      nesterov: false,
    });
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'igc-igcv3-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // A narrow IGCV3 with its CIFAR head (dropout included) on a few embedded MNIST images: the
  // dropout key is saved with the checkpoint, so a resumed run draws the same masks.
  const QUICK = [
    '--backend',
    'cpu',
    '--train-limit',
    '64',
    '--test-limit',
    '32',
    '--batch-size',
    '32',
    '--model',
    'igcv3-cifar-w0.25',
    '--epochs',
    '2',
    '--json',
  ];

  it('trains a dropout net and resumes it to the same numbers', async () => {
    const full = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--out', 'full'], full)).toBe(0);
    expect(JSON.parse(full.stdout.at(-1)!)).toMatchObject({
      model: 'igcv3-cifar-w0.25',
      images: 128,
      liveTensors: 0,
    });
    const half = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--until', '1', '--out', 'half'], half)).toBe(0);
    const rest = memoryIo(dir);
    expect(await main(['train', ...QUICK, '--out', 'half', '--resume'], rest)).toBe(0);
    const strip = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => {
          const { seconds: _s, imagesPerSec: _i, checkpoint: _c, ...kept } = JSON.parse(l);
          return kept;
        });
    const a = strip(await readFile(join(dir, 'full', 'metrics.jsonl'), 'utf8'));
    const b = strip(await readFile(join(dir, 'half', 'metrics.jsonl'), 'utf8'));
    expect(b).toEqual(a);
    // Two epoch lines, and the step lines between them.
    expect(a.filter((l) => l.type !== 'log')).toHaveLength(2);
    expect(a.filter((l) => l.type === 'log').length).toBeGreaterThan(0);
  });
});
