import { type ParsedArgs, stringOption, UsageError } from '../command.js';

/** What a numeric option accepts: whole numbers or decimals, between two bounds. */
export interface NumericRange {
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The minimum itself is refused (a learning rate must be above 0). */
  readonly minExclusive?: boolean;
}

/**
 * Every numeric option of every command, with the range it accepts. One table, so the parser,
 * `--help` and the README agree; a value outside its range is refused before any work starts.
 * The upper bounds are far above any real use and only stop typing mistakes (`--epochs 1e12`)
 * from turning into hours of work or giant allocations.
 */
export const NUMERIC_OPTIONS = {
  epochs: { integer: true, min: 1, max: 10_000 },
  until: { integer: true, min: 1, max: 10_000 },
  'batch-size': { integer: true, min: 1, max: 8192 },
  lr: { integer: false, min: 0, max: 10, minExclusive: true },
  seed: { integer: true, min: 0, max: 4_294_967_295 },
  'train-limit': { integer: true, min: 1, max: 2_147_483_647 },
  'test-limit': { integer: true, min: 1, max: 2_147_483_647 },
  nproc: { integer: true, min: 1, max: 4096 },
  'log-every': { integer: true, min: 0, max: 2_147_483_647 },
  profile: { integer: true, min: 1, max: 10_000 },
  smoothing: { integer: false, min: 0, max: 0.999 },
  interval: { integer: false, min: 0, max: 86_400, minExclusive: true },
  top: { integer: true, min: 1, max: 100_000 },
  'num-classes': { integer: true, min: 1, max: 100_000 },
  'in-channels': { integer: true, min: 1, max: 1024 },
  'input-size': { integer: true, min: 1, max: 4096 },
  opset: { integer: true, min: 1, max: 1000 },
} as const satisfies Record<string, NumericRange>;

/** A numeric option's name. */
export type NumericOptionName = keyof typeof NUMERIC_OPTIONS;

const INTEGER = /^\d+$/;
// Plain decimal notation with an optional exponent: no hex, no binary, no Infinity, no blanks.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The range in words, e.g. "a whole number from 1 to 10000". */
export function describeRange(r: NumericRange): string {
  if (r.integer) return `a whole number from ${r.min} to ${r.max}`;
  return `a decimal number ${r.minExclusive ? `above ${r.min}` : `from ${r.min}`} up to ${r.max}`;
}

/**
 * Parses `text` as the value of `--name`: decimal digits only (no `0x10`, no `''`), finite,
 * whole where the range says so, inside the range. Throws a {@link UsageError} naming the option.
 */
export function parseNumeric(name: string, text: string, range: NumericRange): number {
  const trimmed = text.trim();
  const bad = (): never => {
    throw new UsageError(`--${name} must be ${describeRange(range)}, got '${text}'`);
  };
  if (!(range.integer ? INTEGER : DECIMAL).test(trimmed)) bad();
  const v = Number(trimmed);
  if (!Number.isFinite(v) || (range.integer && !Number.isSafeInteger(v))) bad();
  if (v < range.min || (range.minExclusive === true && v === range.min) || v > range.max) bad();
  // -0 reads as 0 in messages and arithmetic alike.
  return v === 0 ? 0 : v;
}

/** A numeric option of {@link NUMERIC_OPTIONS}, parsed strictly; undefined when absent. */
export function numeric(args: ParsedArgs, name: NumericOptionName): number | undefined {
  const s = stringOption(args, name);
  return s === undefined ? undefined : parseNumeric(name, s, NUMERIC_OPTIONS[name]);
}

/** The help line's range note, e.g. "(1..10000)". */
export function rangeNote(name: NumericOptionName): string {
  const r: NumericRange = NUMERIC_OPTIONS[name];
  return r.integer
    ? `(${r.min}..${r.max})`
    : `(${r.minExclusive ? '>' : '≥'} ${r.min}, ≤ ${r.max})`;
}
