import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.js';

/** Option declarations in `node:util` parseArgs form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments handed to a command. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/**
 * One `igc` command. To add a command, write a file under `src/commands/` that exports one of
 * these and list it in `src/commands/index.ts`; routing, `--help` and error handling are shared.
 */
export interface Command {
  /** Words that select it, e.g. `['datasets', 'inspect']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line after `igc <path>`, e.g. `<dir> [--json] [--out FILE]`. */
  readonly usage: string;
  /** Longer help: options and examples. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Returns the exit code. Throwing prints the message to stderr and exits 1. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** An error in how the command was called: printed with usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads a string option, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a boolean flag. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
