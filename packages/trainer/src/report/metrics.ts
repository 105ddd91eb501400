import { readFile } from 'node:fs/promises';
import type { EpochEvent } from '../loop/events.js';

/** Reads `metrics.jsonl`, checking each line. Errors name the file and the line. */
export async function readMetrics(path: string): Promise<EpochEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(
      `${path}: cannot read metrics (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const out: EpochEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON line`);
    }
    const e = v as Partial<EpochEvent>;
    for (const key of ['epoch', 'lr', 'trainLoss', 'trainTop1Error'] as const) {
      if (typeof e[key] !== 'number')
        throw new Error(`${path}:${i + 1}: field '${key}' must be a number`);
    }
    out.push({ ...(e as EpochEvent), type: 'epoch' });
  });
  if (out.length === 0) throw new Error(`${path}: no epochs recorded yet`);
  return out;
}
