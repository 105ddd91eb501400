// The CLI always has the CPU backend; WebGPU loads lazily (runtime/backend.ts) when asked for.
import '@igcnet/cpu';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from './command.js';
import { commands as builtIn } from './commands/index.js';
import type { Io } from './io.js';

/** Finds the command whose path is the longest prefix of argv. */
export function route(
  argv: readonly string[],
  commands: readonly Command[],
): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    const matches = c.path.every((word, i) => argv[i] === word);
    if (matches && (best === undefined || c.path.length > best.path.length)) best = c;
  }
  return best === undefined ? undefined : { command: best, rest: argv.slice(best.path.length) };
}

function listing(commands: readonly Command[], prefix: readonly string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(...shown.map((c) => c.path.join(' ').length));
  const lines = shown.map((c) => `  igc ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `Usage: igc <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "igc <command> --help" for a command's options.`;
}

function usage(c: Command): string {
  return `Usage: igc ${c.path.join(' ')} ${c.usage}\n\n${c.summary}\n\n${c.help}`;
}

/** Runs `igc` with the given arguments; returns the exit code. */
export async function main(
  argv: readonly string[],
  io: Io,
  commands: readonly Command[] = builtIn,
): Promise<number> {
  const routed = route(argv, commands);
  if (routed === undefined) {
    const words = argv.filter((a) => !a.startsWith('-'));
    const wantsHelp = argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
    // `igc datasets` names a group: list its commands.
    const group = commands.some((c) => c.path[0] === words[0]) ? words.slice(0, 1) : [];
    if (wantsHelp) {
      io.out(listing(commands, words[0] === 'help' ? [] : group));
      return 0;
    }
    if (argv.length === 0 || group.length > 0) {
      io.err(listing(commands, group));
      return 2;
    }
    io.err(`igc: unknown command "${words.join(' ')}"\n\n${listing(commands)}`);
    return 2;
  }
  const { command, rest } = routed;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(usage(command));
    return 0;
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') === true) {
      io.err(`igc ${command.path.join(' ')}: ${e.message}\n\n${usage(command)}`);
      return 2;
    }
    io.err(`igc ${command.path.join(' ')}: ${e.message}`);
    return 1;
  }
}
