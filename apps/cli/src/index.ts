/**
 * @igcnet/cli: the `igc` command-line tool. The binary is `dist/bin.js`; this entry exposes the
 * router and commands so other tools and tests can run them in-process.
 */
export {
  type Command,
  flag,
  type OptionSpec,
  type ParsedArgs,
  stringOption,
  UsageError,
} from './command.js';
export { commands } from './commands/index.js';
export { type Io, memoryIo, processIo } from './io.js';
export { main, route } from './main.js';
