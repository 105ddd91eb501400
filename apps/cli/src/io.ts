/** Where a command writes, so tests can capture output without spawning a process. */
export interface Io {
  /** Results (stdout). */
  out(text: string): void;
  /** Progress, warnings and errors (stderr). */
  err(text: string): void;
  /** Folder that relative paths are resolved against. */
  readonly cwd: string;
  /** Stops long-running commands (`igc report --watch`); Ctrl-C does when absent. */
  readonly signal?: AbortSignal;
}

/** The process's own stdout, stderr and working folder. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    cwd: process.cwd(),
  };
}

/** An Io that records everything, for tests. */
export function memoryIo(cwd = process.cwd()): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}
