import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from '@igcnet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { fit as fitLoop } from '../loop/fit.js';
import { folderStore } from '../loop/folder_store.js';
import type { BatchSource } from '../loop/model.js';
import { readRunMetrics } from '../report/metrics.js';
import { paperSchedule } from '../schedule/schedules.js';
import { tinyData, tinyTraining } from '../testing/tiny.js';
import type { Communicator } from './communicator.js';

const runFit = fitLoop;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/**
 * Rank `rank` of a world of two identical twins: the other rank holds the same slice, so every
 * sum doubles and broadcasts change nothing. Training then must equal one process exactly
 * (each rank's loss is weighted by 1/2, and the sum of two halves is exact in float32).
 */
function twinWorld(rank: number): Communicator & { calls: string[] } {
  const calls: string[] = [];
  return {
    rank,
    size: 2,
    calls,
    allreduce(d, op) {
      calls.push(`allreduce ${op}`);
      for (let i = 0; i < d.length; i++) d[i]! *= 2;
    },
    broadcast() {
      calls.push('broadcast');
    },
    barrier() {},
  };
}

/** A source whose shard is the whole batch, declared as one half of a twice larger batch. */
function twinned(src: BatchSource): BatchSource {
  return {
    ...src,
    shard: () => ({
      batchesPerEpoch: src.batchesPerEpoch,
      async *epoch(e: number) {
        for await (const b of src.epoch(e)) yield { ...b, globalSize: 2 * b.shape[0] };
      },
    }),
  };
}

const setup = () => tinyTraining(7);

const train = tinyData(60, 8, 11);
const test = tinyData(30, 16, 12);
const schedule = paperSchedule(0.1, 3, train.batchesPerEpoch);
const common = { modelName: 'tiny', modelConfig: {}, epochs: 3, schedule, seed: 5 };

describe('fit with a communicator', () => {
  it('takes the steps of one process, keeps memory flat, and lets only rank 0 write', async () => {
    const one = setup();
    const aloneOut = await mkdtemp(join(tmpdir(), 'igc-dp-'));
    dirs.push(aloneOut);
    const alone = await runFit({ ...one, ...common, train, test, store: folderStore(aloneOut) });
    expect(alone.worldSize).toBe(1);

    const twin = setup();
    const world = twinWorld(0);
    const out = await mkdtemp(join(tmpdir(), 'igc-dp-'));
    dirs.push(out);
    const before = memory().numTensors;
    const r = await runFit({
      ...twin,
      ...common,
      train: twinned(train),
      test: twinned(test),
      comm: world,
      store: folderStore(out),
    });
    expect(memory().numTensors).toBe(before + 4); // the momentum buffers only
    expect(r.worldSize).toBe(2);
    expect(r.images).toBe(2 * alone.images);
    for (const [[name, a], [, b]] of one.model
      .namedParameters()
      .map((p, i) => [p, twin.model.namedParameters()[i]!] as const)) {
      expect(Array.from(b.dataSync()), name).toEqual(Array.from(a.dataSync()));
    }
    r.epochs.forEach((e, i) => {
      expect(e.trainLoss).toBe(alone.epochs[i]!.trainLoss);
      expect(e.testTop1Error).toBe(alone.epochs[i]!.testTop1Error);
    });
    // Rank 0's state goes out once at the start and its BN buffers after each epoch; then one
    // gradient bucket and one statistics sum per step, one sum per step line (every step here:
    // an epoch of 8 steps), one sum per evaluation and two to gather the last one's predictions.
    const steps = 3 * train.batchesPerEpoch;
    expect(world.calls.filter((c) => c === 'broadcast')).toHaveLength(1 + 3);
    expect(world.calls.filter((c) => c === 'allreduce sum')).toHaveLength(3 * steps + 3 + 2);
    expect((await readdir(out)).sort()).toEqual(['checkpoint.safetensors', 'metrics.jsonl']);
    // Step lines cover the global batches: the same figures as one process, twice the images.
    const aloneRun = await readRunMetrics(join(aloneOut, 'metrics.jsonl'));
    const twinRun = await readRunMetrics(join(out, 'metrics.jsonl'));
    expect(twinRun.logs).toHaveLength(steps);
    twinRun.logs.forEach((l, i) => {
      const a = aloneRun.logs[i]!;
      expect(l.images).toBe(2 * a.images);
      expect(l.trainLoss).toBeCloseTo(a.trainLoss, 6);
      expect(l.trainTop1Error).toBeCloseTo(a.trainTop1Error, 12);
      expect(l.gradNorm).toBeCloseTo(a.gradNorm, 6);
    });

    const other = setup();
    const out1 = await mkdtemp(join(tmpdir(), 'igc-dp-'));
    dirs.push(out1);
    await runFit({
      ...other,
      ...common,
      epochs: 1,
      train: twinned(train),
      comm: twinWorld(1),
      store: folderStore(out1),
    });
    expect(await readdir(out1)).toEqual([]);
    for (const m of [one, twin, other]) {
      m.model.dispose();
      m.optimizer.dispose();
    }
  });

  it('refuses data that cannot be sharded, naming it', async () => {
    const { model, optimizer } = setup();
    await expect(
      runFit({ model, optimizer, ...common, train, comm: twinWorld(0) }),
    ).rejects.toThrow(
      'data-parallel training: the training data cannot be sharded across 2 processes',
    );
    model.dispose();
    optimizer.dispose();
  });
});
