import { spawn } from 'node:child_process';
import { mpiStatus } from '../src/native.js';

/** Why the MPI tests cannot run here, or undefined when they can. */
export function mpiMissing(): string | undefined {
  const s = mpiStatus();
  return s.available ? undefined : s.reason;
}

/**
 * The environment for `mpirun` in tests: CI runs as root, which Open MPI refuses unless told
 * (the two variables below are Open MPI's own switch).
 */
export function mpiEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const root = process.getuid?.() === 0;
  return {
    ...process.env,
    ...(root ? { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : {}),
    ...extra,
  };
}

/** Runs a command to its end (killed after `timeoutMs`), collecting its output. */
export function runToEnd(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
