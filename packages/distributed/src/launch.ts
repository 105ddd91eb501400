/** How to start a job with `mpirun` (see {@link mpirunArgs}). */
export interface MpirunOptions {
  /** Number of ranks. */
  np: number;
  /** The program each rank runs, with its arguments. */
  command: readonly string[];
  /** Environment variables set on every rank (`-x NAME=VALUE`, also on remote hosts). */
  env?: Readonly<Record<string, string>>;
  /** Allow more ranks than cores on a host. */
  oversubscribe?: boolean;
  /** Hosts and their slots, one per line (Open MPI's hostfile format); default: this machine. */
  hostfile?: string;
  /** Extra MCA parameters (`--mca NAME VALUE`), e.g. `{ btl_tcp_if_include: 'eth0' }`. */
  mca?: Readonly<Record<string, string>>;
}

/**
 * The arguments of `mpirun` for a job. Ranks are not bound to cores (`--bind-to none`): each
 * runs its own worker threads, which a one-core binding would serialise.
 */
export function mpirunArgs(o: MpirunOptions): string[] {
  if (!Number.isInteger(o.np) || o.np < 1)
    throw new RangeError(`mpirun: np must be a positive integer, got ${o.np}`);
  if (o.command.length === 0) throw new RangeError('mpirun: no command to run');
  const args = ['-np', String(o.np), '--bind-to', 'none'];
  if (o.oversubscribe) args.push('--oversubscribe');
  if (o.hostfile !== undefined) args.push('--hostfile', o.hostfile);
  for (const [k, v] of Object.entries(o.mca ?? {})) args.push('--mca', k, v);
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new RangeError(`mpirun: '${k}' is not an environment variable name`);
    args.push('-x', `${k}=${v}`);
  }
  args.push(...o.command);
  return args;
}

/** A rank that ended the job, as `mpirun` reports it. */
export interface RankFailure {
  rank: number;
  pid?: number;
  host?: string;
  /** Set when the rank was killed by a signal, e.g. `signal 9 (Killed)`. */
  signal?: string;
  /** Set when the rank exited with a non-zero code. */
  exitCode?: number;
  /** One sentence for logs. */
  message: string;
}

/**
 * Finds, in `mpirun`'s output, the rank whose death or non-zero exit ended the job (Open MPI 4
 * wording), or undefined when the output names none.
 */
export function rankFailure(output: string): RankFailure | undefined {
  const signalled =
    /process rank (\d+) with PID (\d+) on node (\S+) exited on signal (\d+)(?: \(([^)]*)\))?/.exec(
      output,
    );
  if (signalled) {
    const [, rank, pid, host, sig, name] = signalled;
    const signal = `signal ${sig}${name ? ` (${name})` : ''}`;
    return {
      rank: Number(rank),
      pid: Number(pid),
      host: host!,
      signal,
      message: `rank ${rank} (PID ${pid} on ${host}) was killed by ${signal}`,
    };
  }
  const exited =
    /first process to do so was:\s*Process name:\s*\[\[\d+,\d+\],(\d+)\]\s*Exit code:\s*(\d+)/.exec(
      output,
    );
  if (exited) {
    const [, rank, code] = exited;
    return {
      rank: Number(rank),
      exitCode: Number(code),
      message: `rank ${rank} exited with code ${code}`,
    };
  }
  const aborted = /MPI_ABORT was invoked on rank (\d+)[\s\S]*?errorcode (\d+)/.exec(output);
  if (aborted) {
    const [, rank, code] = aborted;
    return {
      rank: Number(rank),
      exitCode: Number(code),
      message: `rank ${rank} stopped the job (MPI_Abort, code ${code})`,
    };
  }
  return undefined;
}
