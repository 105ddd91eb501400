import { describe, expect, it } from 'vitest';
import type { Command } from './command.js';
import { commands } from './commands/index.js';
import { memoryIo } from './io.js';
import { main, route } from './main.js';

const echo: Command = {
  path: ['demo', 'echo'],
  summary: 'echo words',
  usage: '<words...> [--upper]',
  help: 'Options:\n  --upper',
  options: { upper: { type: 'boolean' } },
  async run(args, io) {
    const text = args.positionals.join(' ');
    io.out(args.values.upper ? text.toUpperCase() : text);
    return 0;
  },
};

describe('igc router', () => {
  it('routes by the longest matching path and passes options', async () => {
    expect(route(['demo', 'echo', 'x'], [echo])?.rest).toEqual(['x']);
    const io = memoryIo();
    expect(await main(['demo', 'echo', 'hi', 'there', '--upper'], io, [echo])).toBe(0);
    expect(io.stdout).toEqual(['HI THERE']);
  });

  it('lists commands, prints help, and rejects unknown commands and options', async () => {
    let io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/igc datasets download/);
    expect(io.stdout[0]).toMatch(/igc datasets inspect/);
    io = memoryIo();
    expect(await main(['datasets', 'inspect', '--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/Usage: igc datasets inspect <dir>/);
    io = memoryIo();
    expect(await main(['nope'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown command "nope"/);
    io = memoryIo();
    expect(await main(['datasets', 'inspect', '.', '--bogus'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/Unknown option '--bogus'/);
    io = memoryIo();
    expect(await main(['datasets'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/igc datasets download/);
  });

  it('every command has a unique path and offers --json', () => {
    const paths = commands.map((c) => c.path.join(' '));
    expect(new Set(paths).size).toBe(paths.length);
    for (const c of commands) expect(c.options.json?.type).toBe('boolean');
  });
});
