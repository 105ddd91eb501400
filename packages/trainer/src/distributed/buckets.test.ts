import { dispose, memory, tensor, variable } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { GradientBuckets } from './buckets.js';
import type { Communicator } from './communicator.js';
import { DataParallel } from './data_parallel.js';

/** Rank `rank` of a world of `size` identical ranks: a sum multiplies by size; records calls. */
function fakeWorld(rank: number, size: number, fill?: (d: ArrayBufferView) => void) {
  const calls: string[] = [];
  const comm: Communicator = {
    rank,
    size,
    allreduce(d, op) {
      calls.push(`allreduce ${d.length} ${op}`);
      for (let i = 0; i < d.length; i++) d[i]! *= size;
    },
    broadcast(d) {
      calls.push(`broadcast ${d.byteLength}`);
      fill?.(d);
    },
    barrier() {},
  };
  return { comm, calls };
}

describe('GradientBuckets', () => {
  it('packs gradients in reverse order into buckets of about bucketBytes, one allreduce each', async () => {
    // 10 + 30 + 5 + 100 floats with 160-byte (40-float) buckets: [100] [5, 30] [10].
    const shapes = [[10], [3, 10], [5], [10, 10]];
    const b = new GradientBuckets(shapes, 160);
    expect(b.buckets.map((k) => k.slots.map((s) => s.index))).toEqual([[3], [2, 1], [0]]);
    expect(b.elements).toBe(145);
    const grads = shapes.map((s, i) =>
      tensor(
        Float32Array.from({ length: s.reduce((p, d) => p * d, 1) }, (_, j) => i + j / 8),
        s,
      ),
    );
    const { comm, calls } = fakeWorld(0, 3);
    const before = memory().numTensors;
    const summed = await b.allreduce(grads, comm);
    expect(calls).toEqual(['allreduce 100 sum', 'allreduce 35 sum', 'allreduce 10 sum']);
    summed.forEach((t, i) => {
      expect(t.shape).toEqual(grads[i]!.shape);
      expect(Array.from(t.dataSync())).toEqual(Array.from(grads[i]!.dataSync(), (v) => 3 * v));
    });
    dispose(summed);
    expect(memory().numTensors).toBe(before);
    dispose(grads);
    await expect(b.allreduce(grads.slice(1), comm)).rejects.toThrow(
      'allreduce: got 3 gradients for 4 parameters',
    );
  });
});

describe('DataParallel', () => {
  it("overwrites a non-root rank's variables with rank 0's in one broadcast per dtype", async () => {
    const root = [tensor([1, 2, 3], [3]), tensor([4, 5], [2]), tensor([7], [1], 'int32')];
    const { comm, calls } = fakeWorld(1, 2, (d) => {
      if (d instanceof Float32Array) d.set([1, 2, 3, 4, 5]);
      else if (d instanceof Int32Array) d.set([7]);
    });
    const vars = [
      variable(tensor([0, 0, 0], [3])),
      variable(tensor([0, 0], [2])),
      variable(tensor([0], [1], 'int32')),
    ];
    const dp = new DataParallel(comm, vars);
    await dp.broadcastVariables(vars);
    expect(calls).toEqual(['broadcast 20', 'broadcast 4']);
    vars.forEach((v, i) => {
      expect(Array.from(v.dataSync())).toEqual(Array.from(root[i]!.dataSync()));
    });
    expect(() =>
      dp.shard({ batchesPerEpoch: 1, epoch: async function* () {} }, 'training'),
    ).toThrow('data-parallel training: the training data cannot be sharded across 2 processes');
    expect(dp.sum([1.5, 2])).toEqual([3, 4]);
    expect(dp.globalSize(3, 7)).toBe(7);
    expect(dp.globalSize(3, undefined)).toBe(6);
    dispose([...root, ...vars]);
  });
});
