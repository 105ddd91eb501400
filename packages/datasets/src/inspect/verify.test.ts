import { describe, expect, it } from 'vitest';
import type { Dataset, Sample } from '../types.js';
import { readEverySample } from './verify.js';

/** A dataset whose reads take a tick and count how many run at once. */
function counting(length: number, badIndex = -1) {
  const stats = { inFlight: 0, maxInFlight: 0, reads: 0 };
  const ds: Dataset = {
    format: 'imagenet',
    split: 'train',
    classNames: ['a'],
    imageShape: [3, 1, 1],
    length,
    labels: new Int32Array(length),
    notes: [],
    async get(i): Promise<Sample> {
      stats.inFlight++;
      stats.reads++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      await new Promise((r) => setTimeout(r, 1));
      stats.inFlight--;
      if (i === badIndex) throw new Error(`image ${i} is corrupt`);
      return { image: new Uint8Array(3), shape: [3, 1, 1], label: 0 };
    },
    close: async () => {},
  };
  return { ds, stats };
}

describe('readEverySample', () => {
  it('reads every sample with a bounded number in flight', async () => {
    const { ds, stats } = counting(2000);
    await readEverySample(ds, 16);
    expect(stats.reads).toBe(2000);
    expect(stats.maxInFlight).toBe(16);
  });

  it('stops at the first failure and reports it', async () => {
    const { ds, stats } = counting(5000, 40);
    await expect(readEverySample(ds, 8)).rejects.toThrow('image 40 is corrupt');
    expect(stats.reads).toBeLessThan(100);
  });
});
