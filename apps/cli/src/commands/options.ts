import { type ParsedArgs, stringOption, UsageError } from '../command.js';
import type { BackendChoice } from '../runtime/backend.js';

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
