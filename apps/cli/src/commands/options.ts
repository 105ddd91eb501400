import { type ParsedArgs, stringOption, UsageError } from '../command.js';
import type { BackendChoice } from '../runtime/backend.js';

/** A non-negative number option, or undefined when absent. */
export function numberOption(args: ParsedArgs, name: string, integer: boolean): number | undefined {
  const s = stringOption(args, name);
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < 0) {
    throw new UsageError(
      `--${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got '${s}'`,
    );
  }
  return v;
}

/** The `--backend` option. */
export function backendChoice(args: ParsedArgs): BackendChoice {
  const b = stringOption(args, 'backend') ?? 'auto';
  if (b !== 'auto' && b !== 'cpu' && b !== 'webgpu')
    throw new UsageError(`--backend must be auto, cpu or webgpu, got '${b}'`);
  return b;
}
