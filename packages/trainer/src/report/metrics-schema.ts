import type { EpochEvent, LogEvent } from '../loop/events.js';

/** One field of a `metrics.jsonl` line. */
export interface MetricsField {
  readonly name: string;
  readonly kind: 'number' | 'string';
  /** Required fields must be present; optional ones may be absent or `null`. */
  readonly required: boolean;
  /** Numbers: the smallest value that makes sense (a count or an error rate is never negative). */
  readonly min?: number;
  /** Numbers: the largest value that makes sense (an error rate is at most 1). */
  readonly max?: number;
}

const num = (name: string, required: boolean, min?: number, max?: number): MetricsField => ({
  name,
  kind: 'number',
  required,
  ...(min !== undefined ? { min } : {}),
  ...(max !== undefined ? { max } : {}),
});

/**
 * The fields of each kind of line, keyed by the line's `type` (a line without one is an epoch
 * line, as in every file written so far). A new kind of line (step-level metrics, say) is one
 * more entry here; the reader checks it field by field like the others.
 */
export const METRICS_LINES: Readonly<Record<string, readonly MetricsField[]>> = {
  epoch: [
    num('epoch', true, 0),
    num('lr', true, 0),
    num('trainLoss', true),
    num('trainTop1Error', true, 0, 1),
    num('testLoss', false),
    num('testTop1Error', false, 0, 1),
    num('testTop5Error', false, 0, 1),
    num('images', true, 0),
    num('seconds', true, 0),
    num('imagesPerSec', true, 0),
    { name: 'checkpoint', kind: 'string', required: false },
  ],
  log: [
    num('step', true, 1),
    num('epoch', true, 0),
    num('trainLoss', true),
    num('trainTop1Error', true, 0, 1),
    num('lr', true, 0),
    num('gradNorm', true, 0),
    num('imagesPerSec', true, 0),
    num('steps', true, 1),
    num('images', true, 0),
    num('seconds', true, 0),
  ],
};

/** A checked line: its type and its fields (optional ones absent rather than null). */
export interface MetricsLine {
  readonly type: string;
  readonly fields: Readonly<Record<string, number | string>>;
}

/**
 * Checks one parsed line against {@link METRICS_LINES}. Throws one line naming `path`, the line
 * number and the field that is wrong, with what was expected.
 */
export function checkMetricsLine(path: string, lineNo: number, value: unknown): MetricsLine {
  const where = `${path}:${lineNo}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected a JSON object, got ${JSON.stringify(value)}`);
  }
  const record = value as Record<string, unknown>;
  const type = record.type ?? 'epoch';
  const fields = typeof type === 'string' ? METRICS_LINES[type] : undefined;
  if (typeof type !== 'string' || fields === undefined) {
    const known = Object.keys(METRICS_LINES)
      .map((t) => `'${t}'`)
      .join(', ');
    throw new Error(`${where}: field 'type' is ${JSON.stringify(type)}; expected ${known}`);
  }
  const out: Record<string, number | string> = {};
  for (const f of fields) {
    const v = record[f.name];
    if (v === undefined || v === null) {
      if (f.required)
        throw new Error(`${where}: field '${f.name}' is missing; expected a ${f.kind}`);
      continue;
    }
    const ok =
      f.kind === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string';
    if (!ok) {
      throw new Error(
        `${where}: field '${f.name}' must be a ${f.kind === 'number' ? 'finite number' : 'string'}, got ${JSON.stringify(v)}`,
      );
    }
    if (
      typeof v === 'number' &&
      ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max))
    ) {
      const range = f.max === undefined ? `at least ${f.min}` : `from ${f.min ?? '-∞'} to ${f.max}`;
      throw new Error(`${where}: field '${f.name}' is ${v}; expected a number ${range}`);
    }
    out[f.name] = v as number | string;
  }
  return { type, fields: out };
}

/** A step line as the event the report draws. */
export function toLogEvent(line: MetricsLine): LogEvent {
  return { ...(line.fields as unknown as Omit<LogEvent, 'type'>), type: 'log' };
}

/** An epoch line as the event the report draws. */
export function toEpochEvent(line: MetricsLine): EpochEvent {
  return { ...(line.fields as unknown as Omit<EpochEvent, 'type'>), type: 'epoch' };
}
