import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@igcnet/trainer/node';
import { CLI_BUNDLE } from './global-setup.js';

/**
 * The environment of `igc`/`mpirun` in tests: CI runs as root, which Open MPI refuses unless
 * told (its own two variables); idle ranks yield the CPU, since a loaded 2-core machine is the
 * rule here; `tag` marks this run's ranks so that a test can find their processes.
 */
export function mpiEnv(tag: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(process.getuid?.() === 0
      ? { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' }
      : {}),
    OMPI_MCA_mpi_yield_when_idle: '1',
    IGCNET_TEST_TAG: tag,
    // WebGPU on SwiftShader where no other Vulkan driver is named (see DEVELOPERS.md).
    ...(process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER)
      ? {}
      : {
          VK_ICD_FILENAMES: SWIFTSHADER,
          XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir(),
        }),
  };
}

/** SwiftShader's Vulkan driver, from Debian's chromium package. */
export const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Why WebGPU ranks cannot run here, or undefined. */
export function vulkanMissing(): string | undefined {
  return process.env.VK_ICD_FILENAMES || existsSync(SWIFTSHADER)
    ? undefined
    : `no Vulkan driver named (VK_ICD_FILENAMES) and no ${SWIFTSHADER}`;
}

/** A running command and what it has printed so far. */
export interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `cmd` (killed after `timeoutMs`). */
export function start(
  cmd: string,
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Running {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Running = {
    child,
    stdout: '',
    stderr: '',
    done: Promise.resolve({ code: null, signal: null }),
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    r.stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    r.stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  r.done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  return r;
}

/** Runs the CLI to its end. */
export async function igc(
  args: readonly string[],
  cwd: string,
  tag: string,
  timeoutMs = 240_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(process.execPath, [CLI_BUNDLE, ...args], { cwd, env: mpiEnv(tag), timeoutMs });
  const { code } = await r.done;
  return { code, stdout: r.stdout, stderr: r.stderr };
}

/** The last line of stdout as JSON (the `--json` summary). */
export function summary(stdout: string): Record<string, unknown> {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  if (lines.length !== 1)
    throw new Error(`expected one JSON line, got ${lines.length}:\n${stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** PIDs of the processes whose environment holds every `NAME=value` in `env`. */
export async function findProcesses(env: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const vars = (await readFile(`/proc/${entry}/environ`, 'latin1')).split('\0');
      if (env.every((e) => vars.includes(e))) out.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** ‖a − b‖ / ‖a‖ over every parameter (not buffer) of two checkpoints. */
export async function relativeDistance(a: string, b: string): Promise<number> {
  const [x, y] = await Promise.all([loadCheckpoint(a), loadCheckpoint(b)]);
  let d2 = 0;
  let n2 = 0;
  for (const [name, t] of x.model) {
    if (/running_(mean|var)$/.test(name)) continue;
    const u = y.model.get(name)!;
    for (let i = 0; i < t.data.length; i++) {
      const d = Number(t.data[i]) - Number(u.data[i]);
      d2 += d * d;
      n2 += Number(t.data[i]) ** 2;
    }
  }
  return Math.sqrt(d2 / n2);
}

/**
 * Two network namespaces, each a "machine" with its own network stack, joined by a bridge in a
 * third that runs mpirun, which reaches them through an `ip netns exec` rsh agent. Needs root
 * and `ip`; `why()` says why not otherwise.
 */
export class NetnsPair {
  readonly names: readonly [string, string, string];
  readonly hosts = ['10.213.7.2', '10.213.7.3'] as const;
  readonly subnet = '10.213.7.0/24';
  private made: string[] = [];

  constructor(tag: string) {
    this.names = [`igch-${tag}`, `igca-${tag}`, `igcb-${tag}`];
  }

  static why(): string | undefined {
    if (process.platform !== 'linux') return 'network namespaces are Linux only';
    if (process.getuid?.() !== 0) return 'network namespaces need root';
    const probe = `igc-probe-${process.pid}`;
    const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (r.status !== 0)
      return `'ip netns add' failed: ${(r.stderr || r.error?.message || '').trim()}`;
    spawnSync('ip', ['netns', 'del', probe]);
    return undefined;
  }

  private ip(...args: string[]): void {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  }

  /** Creates the namespaces and links, the hostfile and the agent; returns mpirun's options. */
  async up(dir: string): Promise<string[]> {
    const [hub, a, b] = this.names;
    for (const n of this.names) {
      this.ip('netns', 'add', n);
      this.made.push(n);
      this.ip('-n', n, 'link', 'set', 'lo', 'up');
    }
    this.ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge');
    this.ip('-n', hub, 'addr', 'add', '10.213.7.1/24', 'dev', 'br0');
    this.ip('-n', hub, 'link', 'set', 'br0', 'up');
    for (const [i, n] of [a, b].entries()) {
      const peer = `v${i}${n}`.slice(0, 15);
      this.ip('-n', hub, 'link', 'add', peer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n);
      this.ip('-n', hub, 'link', 'set', peer, 'master', 'br0', 'up');
      this.ip('-n', n, 'addr', 'add', `${this.hosts[i]}/24`, 'dev', 'eth0');
      this.ip('-n', n, 'link', 'set', 'eth0', 'up');
    }
    const agent = join(dir, 'netns-agent.sh');
    await writeFile(
      agent,
      [
        '#!/bin/sh',
        "# Open MPI's rsh launcher calls: <agent> <host> <command…>; the host picks the namespace.",
        'host=$1; shift',
        `case "$host" in ${this.hosts[0]}) ns=${a};; ${this.hosts[1]}) ns=${b};; *) echo "unknown host $host" >&2; exit 1;; esac`,
        // Every "machine" shares this file system and host name: a session folder of its own
        // keeps their Open MPI daemons from racing to create the same one.
        `base=${join(dir, 'ompi')}-$ns; mkdir -p "$base"`,
        'exec ip netns exec "$ns" env OMPI_MCA_orte_tmpdir_base="$base" /bin/sh -c "$*"',
        '',
      ].join('\n'),
    );
    await chmod(agent, 0o755);
    const hostfile = join(dir, 'hosts');
    await writeFile(hostfile, this.hosts.map((h) => `${h} slots=1\n`).join(''));
    return [
      '--hostfile',
      hostfile,
      '--mca',
      'plm_rsh_agent',
      agent,
      '--mca',
      'oob_tcp_if_include',
      this.subnet,
      '--mca',
      'btl',
      'self,tcp',
      '--mca',
      'btl_tcp_if_include',
      this.subnet,
    ];
  }

  /** Runs `cmd` inside the hub namespace. */
  exec(cmd: string, args: readonly string[]): string[] {
    return ['netns', 'exec', this.names[0], cmd, ...args];
  }

  down(): void {
    for (const n of this.made.reverse()) spawnSync('ip', ['netns', 'del', n]);
    this.made = [];
  }
}
