import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend, memory, scalar, tensor } from '@igcnet/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { LogEvent, TrainEvent } from '../loop/events.js';
import { fit as fitLoop } from '../loop/fit.js';
import { folderStore, METRICS_FILE } from '../loop/folder_store.js';
import { SGD } from '../optim/sgd.js';
import { readRunMetrics } from '../report/metrics.js';
import { constant } from '../schedule/schedules.js';
import { TinyModel, tinyData } from '../testing/tiny.js';
import { defaultLogEvery } from './step_logger.js';
import { globalNorm, StepStats } from './step_stats.js';

const runFit = fitLoop;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('StepStats', () => {
  it('sums loss, wrong predictions and gradient norms on the device and reads them once', async () => {
    const stats = new StepStats();
    const before = memory().numTensors;
    const steps = [
      { loss: 2, predicted: [0, 1, 2, 2], labels: [0, 1, 1, 0], grads: [[3, 4], [12]] }, // norm 13
      { loss: 1, predicted: [1, 1], labels: [1, 1], grads: [[0, 0], [5]] }, // norm 5
    ];
    for (const s of steps) {
      const t = {
        loss: scalar(s.loss),
        predicted: tensor(s.predicted, [s.predicted.length], 'int32'),
        labels: tensor(s.labels, [s.labels.length], 'int32'),
        classes: 3,
        grads: s.grads.map((g) => tensor(g, [g.length])),
      };
      stats.add(t);
      for (const x of [t.loss, t.predicted, t.labels, ...t.grads]) x.dispose();
      // Only the three running sums stay alive between steps.
      expect(memory().numTensors).toBe(before + 3);
    }
    expect(stats.pending).toBe(2);
    const w = await stats.read();
    expect(w).toEqual({
      steps: 2,
      images: 6,
      loss: (2 * 4 + 1 * 2) / 6,
      top1Error: 2 / 6,
      gradNorm: 9,
    });
    expect(memory().numTensors).toBe(before);
    await expect(stats.read()).rejects.toThrow(/no step was added/);
    const n = globalNorm([tensor([1, 2], [1, 2]), tensor([2], [1])]);
    expect(await n.item()).toBeCloseTo(3, 6);
    n.dispose();
  });

  it('aims at 50 step lines per epoch by default', () => {
    expect(defaultLogEvery(938)).toBe(18);
    expect(defaultLogEvery(30)).toBe(1);
  });
});

async function run(logEvery: number | undefined, epochs = 2) {
  const out = await mkdtemp(join(tmpdir(), 'igc-telemetry-'));
  dirs.push(out);
  const model = new TinyModel(4);
  const optimizer = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
  const events: TrainEvent[] = [];
  const live: number[] = [];
  const read = vi.spyOn(getBackend(), 'read');
  await runFit({
    model,
    modelName: 'tiny',
    modelConfig: {},
    train: tinyData(60, 4, 3), // 15 steps per epoch
    epochs,
    optimizer,
    schedule: constant(0.05),
    seed: 1,
    store: folderStore(out),
    ...(logEvery === undefined ? {} : { logEvery }),
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step') live.push(memory().numTensors);
    },
  });
  const reads = read.mock.calls.length;
  read.mockRestore();
  model.dispose();
  optimizer.dispose();
  const logs = events.filter((e): e is LogEvent => e.type === 'log');
  return { out, events, logs, reads, live };
}

describe('step lines from fit', () => {
  it('cost no reads but three per step line, and keep memory flat', async () => {
    const off = await run(0);
    const on = await run(4);
    expect(off.logs).toHaveLength(0);
    // 15 steps per epoch at every 4: windows of 4, 4, 7 (the 3 left join the last one).
    expect(on.logs.map((l) => l.steps)).toEqual([4, 4, 7, 4, 4, 7]);
    expect(on.reads - off.reads).toBe(3 * on.logs.length);
    // The same number of live tensors at every step: the running sums are replaced, not piled up.
    expect(new Set(on.live.slice(1)).size).toBe(1);
  });

  it('are written to metrics.jsonl between the epoch lines, monotone in step', async () => {
    const { out, logs, events } = await run(undefined);
    const { epochs, logs: read } = await readRunMetrics(join(out, METRICS_FILE));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(read).toEqual(logs);
    expect(read).toHaveLength(30); // 15 steps per epoch: one line per step by default
    const steps = read.map((l) => l.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(read[14]).toMatchObject({ step: 15, epoch: 1 });
    expect(read[0]!.epoch).toBeCloseTo(1 / 15, 12);
    const lines = (await readFile(join(out, METRICS_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual([
      ...Array(15).fill('log'),
      'epoch',
      ...Array(15).fill('log'),
      'epoch',
    ]);
    for (const l of read) {
      expect(l.gradNorm).toBeGreaterThan(0);
      expect(l.imagesPerSec).toBeGreaterThan(0);
      expect(l.lr).toBe(0.05);
    }
    expect(events.findIndex((e) => e.type === 'log')).toBeLessThan(
      events.findIndex((e) => e.type === 'epoch'),
    );
  });

  it('over a whole epoch agree with the epoch line', async () => {
    const { logs, events } = await run(1_000_000, 1);
    const epoch = events.find((e) => e.type === 'epoch')!;
    expect(logs).toHaveLength(1);
    expect(logs[0]!.trainLoss).toBeCloseTo(epoch.trainLoss, 5);
    expect(logs[0]!.trainTop1Error).toBeCloseTo(epoch.trainTop1Error, 12);
    expect(logs[0]!.images).toBe(60);
  });
});
