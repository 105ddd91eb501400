/** The lines of a metrics.jsonl without what differs between equal runs (timings, paths). */
export function withoutTimings(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, imagesPerSec: _i, checkpoint: _c, ...rest } = JSON.parse(l);
      return rest as Record<string, unknown>;
    });
}
