/** Timing of one workload step. */
export interface Timing {
  /** Median milliseconds per step. */
  ms: number;
  runs: number;
}

/** Options of `measure`. */
export interface MeasureOptions {
  warmup: number;
  minRuns: number;
  /** Keep repeating until this much time was spent (and minRuns reached). */
  minTimeMs: number;
}

/** Median time of `step` after warm-up (the first calls JIT-compile and grow scratch). */
export async function measure(step: () => unknown, o: MeasureOptions): Promise<Timing> {
  for (let i = 0; i < o.warmup; i++) await step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.minRuns || performance.now() - start < o.minTimeMs) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
    if (times.length >= 200) break;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const ms = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { ms, runs: times.length };
}
