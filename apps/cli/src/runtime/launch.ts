import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedArgs } from '../command.js';
import type { Io } from '../io.js';
import { loadDistributed } from './distributed.js';

/** The parsed options as command-line arguments again, without those named in `drop`. */
export function toArgv(args: ParsedArgs, drop: readonly string[]): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(args.values)) {
    if (drop.includes(name) || v === undefined || v === false) continue;
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === true) out.push(`--${name}`);
      else if (one !== false) out.push(`--${name}`, one);
    }
  }
  return [...out, ...args.positionals];
}

/** This CLI's entry script, for the ranks to run. */
function igcBin(): string {
  const argv1 = process.argv[1];
  if (argv1 && /^(bin\.js|igc(\.[cm]?js)?)$/.test(basename(argv1)) && existsSync(argv1))
    return argv1;
  const beside = fileURLToPath(new URL('./bin.js', import.meta.url));
  if (existsSync(beside)) return beside;
  throw new Error(
    '--nproc: cannot find the igc entry script (run the built CLI: igc or dist/bin.js)',
  );
}

/** Keeps the last `max` characters of a stream, for reading mpirun's verdict. */
class Tail {
  text = '';
  constructor(private readonly max = 1 << 16) {}
  push(s: string): void {
    this.text = (this.text + s).slice(-this.max);
  }
}

/** Forwards complete lines of a child's stream to `write`. */
function lines(write: (s: string) => void, tail: Tail): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    tail.push(chunk);
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const p of parts) write(p);
  };
}

/**
 * `igc train --nproc N …`: runs `mpirun -np N` on this machine, each rank `igc train
 * --distributed …` with cores / N CPU threads (IGCNET_CPU_THREADS, unless already set). Returns
 * mpirun's exit code; when a rank dies, names it and points at `--resume`.
 */
export async function launchLocal(np: number, args: ParsedArgs, io: Io): Promise<number> {
  const d = await loadDistributed();
  const status = d.mpiStatus();
  if (!status.available) throw new Error(`--nproc: ${status.reason}`);
  const cores = availableParallelism();
  const threads = process.env.IGCNET_CPU_THREADS ?? String(Math.max(1, Math.floor(cores / np)));
  const mpirun = d.mpirunArgs({
    np,
    oversubscribe: np > cores,
    env: { IGCNET_CPU_THREADS: threads },
    command: [process.execPath, igcBin(), 'train', '--distributed', ...toArgv(args, ['nproc'])],
  });
  io.err(
    `igc train: ${np} ranks on this machine (mpirun -np ${np}), ${threads} CPU thread(s) each`,
  );
  const tail = new Tail();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('mpirun', mpirun, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', lines(io.out, tail));
    child.stderr.setEncoding('utf8').on('data', lines(io.err, tail));
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code === 0) return 0;
  const failure = d.rankFailure(tail.text);
  const rootHint = /run as root|running as root|allow-run-as-root/i.test(tail.text)
    ? ' (Open MPI refuses root unless OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 are set)'
    : '';
  io.err(
    `igc train --nproc ${np}: the job failed: ${failure?.message ?? `mpirun exited with code ${code}`}${rootHint}. ` +
      'Checkpoints are written atomically after each epoch: continue with --resume.',
  );
  return code;
}
