import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built `igc` binary (turbo builds @igcnet/cli before this package's test). */
export const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

/** Runs `igc ARGS…` and returns its standard output; fails with its standard error. */
export function igc(args: string[], cwd: string): Promise<string> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`igc ${args.join(' ')} exited with ${code}:\n${err}`));
    });
  });
}

/** One image's top classes as `igc predict --json` prints them. */
export interface CliPrediction {
  file: string;
  predictions: { class: string; index: number; probability: number }[];
}
