import { readFile } from 'node:fs/promises';
import type { EpochEvent } from '../loop/events.js';
import { checkMetricsLine, type MetricsLine, toEpochEvent } from './metrics-schema.js';

/**
 * Reads `metrics.jsonl`, checking every line field by field against `METRICS_LINES`. Errors
 * are one line naming the file, the line and the field.
 */
export async function readMetricsLines(path: string): Promise<MetricsLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(
      `${path}: cannot read metrics (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const out: MetricsLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON line`);
    }
    out.push(checkMetricsLine(path, i + 1, v));
  });
  return out;
}

/** The epoch lines of `metrics.jsonl` (see {@link readMetricsLines}); at least one. */
export async function readMetrics(path: string): Promise<EpochEvent[]> {
  const epochs = (await readMetricsLines(path)).filter((l) => l.type === 'epoch').map(toEpochEvent);
  if (epochs.length === 0) throw new Error(`${path}: no epochs recorded yet`);
  return epochs;
}
