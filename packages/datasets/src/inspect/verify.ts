import type { Dataset } from '../types.js';

/**
 * Reads every sample of `ds` with at most `concurrency` reads in flight, so verifying 1.28 M
 * ImageNet images holds a few dozen decoded images at a time, not all of them. Stops starting
 * new reads at the first failure and throws it once the reads in flight have settled.
 */
export async function readEverySample(ds: Dataset, concurrency = 32): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < ds.length) {
      const i = next++;
      try {
        await ds.get(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, ds.length)) }, lane));
  if (failure !== undefined) throw failure.error;
}
