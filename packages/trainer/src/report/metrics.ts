import { readFile } from 'node:fs/promises';
import type { EpochEvent, LogEvent } from '../loop/events.js';
import { checkMetricsLine, type MetricsLine, toEpochEvent, toLogEvent } from './metrics-schema.js';

/** The lines of a metrics.jsonl: epoch lines and step lines, each in file order. */
export interface RunMetrics {
  epochs: EpochEvent[];
  logs: LogEvent[];
}

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

/**
 * Reads `metrics.jsonl`: epoch lines (written at the end of each epoch, with or without
 * `"type": "epoch"`, as files before step lines had them) and step lines (`"type": "log"`).
 */
export async function readRunMetrics(path: string): Promise<RunMetrics> {
  const out: RunMetrics = { epochs: [], logs: [] };
  for (const line of await readMetricsLines(path)) {
    if (line.type === 'log') out.logs.push(toLogEvent(line));
    else out.epochs.push(toEpochEvent(line));
  }
  if (out.epochs.length === 0 && out.logs.length === 0)
    throw new Error(`${path}: no metrics recorded yet`);
  return out;
}

/** The epoch lines of `metrics.jsonl` (see {@link readRunMetrics}); at least one. */
export async function readMetrics(path: string): Promise<EpochEvent[]> {
  const { epochs } = await readRunMetrics(path);
  if (epochs.length === 0) throw new Error(`${path}: no epochs recorded yet`);
  return epochs;
}
