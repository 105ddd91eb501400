import { type ParsedArgs, stringOption, UsageError } from '../command.js';
import type { BackendChoice } from '../runtime/backend.js';
import { parseNumeric } from './numeric-options.js';

/**
 * A non-negative number option, or undefined when absent, parsed strictly (decimal digits,
 * finite). Prefer `numeric()` from `numeric-options.ts`, which also checks the option's range.
 */
export function numberOption(args: ParsedArgs, name: string, integer: boolean): number | undefined {
  const s = stringOption(args, name);
  if (s === undefined) return undefined;
  return parseNumeric(name, s, { integer, min: 0, max: Number.MAX_SAFE_INTEGER });
}

/**
 * Copies an alias's value to its canonical option (`eval --limit` → `--test-limit`), so one
 * spelling works across commands; giving both with different values is a usage error.
 */
export function resolveAlias(args: ParsedArgs, canonical: string, alias: string): ParsedArgs {
  const a = args.values[alias];
  if (a === undefined) return args;
  const c = args.values[canonical];
  if (c !== undefined && c !== a)
    throw new UsageError(`--${alias} is another name for --${canonical}; give only one of them`);
  return { ...args, values: { ...args.values, [canonical]: a } };
}

/** The `--backend` option. */
export function backendChoice(args: ParsedArgs): BackendChoice {
  const b = stringOption(args, 'backend') ?? 'auto';
  if (b !== 'auto' && b !== 'cpu' && b !== 'webgpu')
    throw new UsageError(`--backend must be auto, cpu or webgpu, got '${b}'`);
  return b;
}
