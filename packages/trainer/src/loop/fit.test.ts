import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from '@igcnet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint } from '../checkpoint/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint_file.js';
import { constant, paperSchedule } from '../schedule/schedules.js';
import { tinyData, tinyTraining } from '../testing/tiny.js';
import { DivergenceError, fit as fitLoop } from './fit.js';
import { CHECKPOINT_FILE, folderStore, METRICS_FILE } from './folder_store.js';

// Named apart from Jasmine's focused-test `fit`, which the linter flags.
const runFit = fitLoop;

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'igc-fit-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const setup = tinyTraining;

const EPOCHS = 4;
const train = tinyData(60, 8, 11);
const test = tinyData(30, 16, 12);
const schedule = paperSchedule(0.1, EPOCHS, train.batchesPerEpoch);

describe('fit', () => {
  it('learns, writes metrics and checkpoints, and does not leak tensors', async () => {
    const out = await tmp();
    const { model, optimizer } = setup(1);
    const before = memory().numTensors;
    const events: string[] = [];
    const r = await runFit({
      model,
      modelName: 'tiny',
      modelConfig: { classes: 3 },
      train,
      test,
      epochs: EPOCHS,
      optimizer,
      schedule,
      seed: 5,
      store: folderStore(out),
      onEvent: (e) => events.push(e.type),
    });
    expect(memory().numTensors).toBe(before + 4); // the 4 momentum buffers, created on step 1
    expect(r.epochs.at(-1)!.testTop1Error).toBeLessThan(0.2);
    expect(r.epochs[0]!.trainLoss).toBeGreaterThan(r.epochs.at(-1)!.trainLoss);
    expect(events.filter((e) => e === 'step')).toHaveLength(EPOCHS * train.batchesPerEpoch);
    const lines = (await readFile(join(out, METRICS_FILE), 'utf8')).trim().split('\n');
    const epochLines = lines.map((l) => JSON.parse(l)).filter((l) => l.type === 'epoch');
    expect(epochLines.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    const ck = await loadCheckpoint(join(out, CHECKPOINT_FILE));
    expect(ck.meta).toMatchObject({
      model: 'tiny',
      epoch: 4,
      step: EPOCHS * train.batchesPerEpoch,
      seed: 5,
    });
    expect([...ck.model.keys()]).toContain('bn.running_var');
    expect([...ck.optim.keys()]).toEqual(['fc.weight', 'fc.bias', 'bn.weight', 'bn.bias']);
    model.dispose();
    optimizer.dispose();
  });

  it('resumes to the same numbers as an uninterrupted run', async () => {
    const full = setup(3);
    const outA = await tmp();
    await runFit({
      ...full,
      modelName: 'tiny',
      modelConfig: {},
      train,
      test,
      epochs: EPOCHS,
      schedule,
      seed: 9,
      store: folderStore(outA),
    });

    const first = setup(3);
    const outB = await tmp();
    await runFit({
      ...first,
      modelName: 'tiny',
      modelConfig: {},
      train,
      test,
      epochs: 2,
      schedule,
      seed: 9,
      store: folderStore(outB),
    });
    first.model.dispose();
    first.optimizer.dispose();

    const resumed = setup(77); // different init: everything must come from the checkpoint
    const ck = await loadCheckpoint(join(outB, CHECKPOINT_FILE));
    restoreCheckpoint('ck', ck, resumed.model, resumed.optimizer);
    await runFit({
      ...resumed,
      modelName: 'tiny',
      modelConfig: {},
      train,
      test,
      epochs: EPOCHS,
      schedule,
      seed: 9,
      store: folderStore(outB),
      startEpoch: ck.meta.epoch,
    });

    for (const [[name, a], [, b]] of full.model
      .namedParameters()
      .map((p, i) => [p, resumed.model.namedParameters()[i]!] as const)) {
      expect(Array.from(b.dataSync()), name).toEqual(Array.from(a.dataSync()));
    }
    const strip = (s: string) =>
      s
        .trim()
        .split('\n')
        .map((l) => {
          const { seconds: _s, imagesPerSec: _i, checkpoint: _c, ...rest } = JSON.parse(l);
          return rest;
        });
    expect(strip(await readFile(join(outB, METRICS_FILE), 'utf8'))).toEqual(
      strip(await readFile(join(outA, METRICS_FILE), 'utf8')),
    );
    for (const m of [full, resumed]) {
      m.model.dispose();
      m.optimizer.dispose();
    }
  });

  it('stops after maxSteps, inside an epoch, without evaluating or checkpointing it', async () => {
    const out = await tmp();
    const { model, optimizer } = setup(4);
    const events: string[] = [];
    const steps = train.batchesPerEpoch + 3;
    const r = await runFit({
      model,
      optimizer,
      modelName: 'tiny',
      modelConfig: {},
      train,
      test,
      epochs: EPOCHS,
      schedule,
      seed: 1,
      store: folderStore(out),
      maxSteps: steps,
      onEvent: (e) => events.push(e.type),
    });
    expect(r.steps).toBe(steps);
    expect(optimizer.stepCount).toBe(steps);
    expect(events.filter((e) => e === 'step')).toHaveLength(steps);
    // The first epoch ran whole (evaluated, checkpointed); the second was cut short.
    expect(r.epochs).toHaveLength(1);
    expect(events.filter((e) => e === 'eval')).toHaveLength(1);
    expect((await loadCheckpoint(join(out, CHECKPOINT_FILE))).meta.step).toBe(
      train.batchesPerEpoch,
    );
    expect(r.images).toBe(60 + 3 * 8);
    await expect(
      runFit({
        model,
        optimizer,
        modelName: 'tiny',
        modelConfig: {},
        train,
        epochs: 1,
        schedule,
        seed: 1,
        maxSteps: 0,
      }),
    ).rejects.toThrow(/maxSteps must be a positive integer, got 0/);
    model.dispose();
    optimizer.dispose();
  });

  it('stops on a non-finite loss, naming the step and the last good checkpoint', async () => {
    const out = await tmp();
    const { model, optimizer } = setup(2);
    await runFit({
      model,
      optimizer,
      modelName: 'tiny',
      modelConfig: {},
      train,
      epochs: 1,
      schedule: constant(0.1),
      seed: 1,
      store: folderStore(out),
    });
    await expect(
      runFit({
        model,
        optimizer,
        modelName: 'tiny',
        modelConfig: {},
        train,
        epochs: 3,
        schedule: constant(1e30),
        seed: 1,
        store: folderStore(out),
        startEpoch: 1,
      }),
    ).rejects.toThrow(DivergenceError);
    await expect(
      runFit({
        model,
        optimizer,
        modelName: 'tiny',
        modelConfig: {},
        train,
        epochs: 3,
        schedule: constant(1e30),
        seed: 1,
        store: folderStore(out),
        startEpoch: 1,
      }),
    ).rejects.toThrow(
      new RegExp(
        `loss is (NaN|Infinity) at epoch \\d+, step \\d+ .*last good checkpoint is ${join(out, CHECKPOINT_FILE).replace(/[.]/g, '\\.')}`,
      ),
    );
    model.dispose();
    optimizer.dispose();
  });
});

describe('fit with a signal', () => {
  it('stops before the next step once aborted: no evaluation, no checkpoint, no leak', async () => {
    const { model, optimizer } = setup(7);
    const before = memory().numTensors;
    const stop = new AbortController();
    const types: string[] = [];
    const r = await runFit({
      model,
      optimizer,
      modelName: 'tiny',
      modelConfig: {},
      train,
      test,
      epochs: 2,
      schedule,
      seed: 1,
      signal: stop.signal,
      onEvent: (e) => {
        types.push(e.type);
        if (e.type === 'step' && e.step === 2) stop.abort();
      },
    });
    expect(r.aborted).toBe(true);
    expect(r.steps).toBe(3);
    expect(r.images).toBe(24);
    expect(r.epochs).toEqual([]);
    expect(types.filter((t) => t === 'epoch' || t === 'eval')).toEqual([]);
    expect(memory().numTensors).toBe(before + 4); // the momentum buffers alone
    model.dispose();
    optimizer.dispose();
  });
});

describe('checkpoints', () => {
  it('encode to bytes that decode to the same tensors and metadata', async () => {
    const { model, optimizer } = setup(8);
    const meta = { model: 'tiny', config: { classes: 3 }, epoch: 1, step: 9, seed: 2 };
    const bytes = await encodeCheckpoint(model, optimizer, { ...meta, extra: { lr: 0.1 } });
    const ck = decodeCheckpoint(bytes, 'memory');
    expect(ck.meta).toEqual({ ...meta, extra: { lr: 0.1 } });
    expect([...ck.model.keys()].sort()).toEqual(
      [...model.namedParameters(), ...model.namedBuffers()].map(([n]) => n).sort(),
    );
    for (const [n, v] of model.namedParameters())
      expect(Array.from(ck.model.get(n)!.data)).toEqual(Array.from(v.dataSync()));
    model.dispose();
    optimizer.dispose();
  });

  it('reject a model that does not match, listing keys and shapes, and assign nothing', async () => {
    const out = await tmp();
    const { model, optimizer } = setup(4);
    const path = join(out, 'c.safetensors');
    await saveCheckpoint(path, model, optimizer, {
      model: 'tiny',
      config: {},
      epoch: 0,
      step: 0,
      seed: 0,
    });
    const ck = await loadCheckpoint(path);
    ck.model.delete('fc.bias');
    ck.model.set('extra.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    ck.model.set('fc.weight', { dtype: 'F32', shape: [3, 4], data: new Float32Array(12) });
    const other = setup(5);
    const w0 = Array.from(other.model.w.dataSync());
    expect(() => restoreCheckpoint(path, ck, other.model)).toThrow(
      /c\.safetensors: checkpoint does not match the model: missing keys: fc\.bias; unexpected keys: extra\.weight; shape mismatches: fc\.weight: checkpoint \[3,4\] float32, model \[4,3\] float32/,
    );
    expect(Array.from(other.model.w.dataSync())).toEqual(w0);
    for (const m of [{ model, optimizer }, other]) {
      m.model.dispose();
      m.optimizer.dispose();
    }
  });

  it('reject a truncated file and a foreign file', async () => {
    const out = await tmp();
    const { model } = setup(6);
    const path = join(out, 'c.safetensors');
    await saveCheckpoint(path, model, undefined, {
      model: 'tiny',
      config: {},
      epoch: 0,
      step: 0,
      seed: 0,
    });
    const buf = await readFile(path);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, buf.subarray(0, buf.length - 10));
    await expect(loadCheckpoint(path)).rejects.toThrow(
      /c\.safetensors: invalid safetensors file: .*truncated/,
    );
    await writeFile(path, Buffer.from('hello world, not a checkpoint'));
    await expect(loadCheckpoint(path)).rejects.toThrow(/c\.safetensors: invalid safetensors file/);
    await expect(loadCheckpoint(join(out, 'missing.safetensors'))).rejects.toThrow(
      /missing\.safetensors: cannot read checkpoint \(ENOENT\)/,
    );
    model.dispose();
  });
});
