import { readFile } from 'node:fs/promises';
import type { EpochEvent, LogEvent } from '../loop/events.js';

/** The lines of a metrics.jsonl: epoch lines and step lines, each in file order. */
export interface RunMetrics {
  epochs: EpochEvent[];
  logs: LogEvent[];
}

const EPOCH_FIELDS = ['epoch', 'lr', 'trainLoss', 'trainTop1Error'] as const;
const LOG_FIELDS = [
  'step',
  'epoch',
  'trainLoss',
  'trainTop1Error',
  'lr',
  'gradNorm',
  'imagesPerSec',
] as const;

/**
 * Reads `metrics.jsonl`, checking each line: epoch lines (written at the end of each epoch, with
 * or without `"type": "epoch"`, as files before step lines had them) and step lines
 * (`"type": "log"`). Errors name the file and the line.
 */
export async function readRunMetrics(path: string): Promise<RunMetrics> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(
      `${path}: cannot read metrics (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const out: RunMetrics = { epochs: [], logs: [] };
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON line`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new Error(`${path}:${i + 1}: not a JSON object`);
    const e = v as Record<string, unknown>;
    const isLog = e.type === 'log';
    for (const key of isLog ? LOG_FIELDS : EPOCH_FIELDS) {
      if (typeof e[key] !== 'number')
        throw new Error(`${path}:${i + 1}: field '${key}' must be a number`);
    }
    if (isLog) out.logs.push(e as unknown as LogEvent);
    else out.epochs.push({ ...(e as unknown as EpochEvent), type: 'epoch' });
  });
  if (out.epochs.length === 0 && out.logs.length === 0)
    throw new Error(`${path}: no metrics recorded yet`);
  return out;
}

/** Reads the epoch lines of `metrics.jsonl` (see {@link readRunMetrics}). */
export async function readMetrics(path: string): Promise<EpochEvent[]> {
  const { epochs } = await readRunMetrics(path);
  if (epochs.length === 0) throw new Error(`${path}: no epochs recorded yet`);
  return epochs;
}
