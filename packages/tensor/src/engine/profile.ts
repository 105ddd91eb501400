/**
 * The kernel profiler, as `tf.profile` and `torch.profiler`: every kernel call the engine runs
 * while a session is open is counted per kernel name with its time and the bytes it reads and
 * writes. Works on any backend (it listens at the engine's kernel dispatch); on a backend with a
 * device timer (WebGPU with timestamp queries) each kernel also gets its device time.
 */
import type { Backend } from '../core/backend.js';
import { ENGINE, type KernelObserver } from './engine.js';
import { getBackend } from './registry.js';

/** One kernel's line of a profile. */
export interface KernelProfile {
  /** Kernel name of the contract (`Conv2D`, `BatchNormTrainGrad`, …). */
  name: string;
  calls: number;
  /**
   * Host milliseconds inside the backend's implementation. On a backend that runs kernels
   * synchronously (CPU) this is the kernel's time; on one that queues work (WebGPU) it is the time
   * to encode it, and `deviceMs` is the kernel's time.
   */
  ms: number;
  /** Device milliseconds (WebGPU timestamp queries), where the backend could time them. */
  deviceMs?: number;
  /** Bytes of the calls' input tensors (4 per element), summed over the calls. */
  bytesIn: number;
  /** Bytes of the calls' output tensors, summed over the calls. */
  bytesOut: number;
}

/** What {@link profile} and {@link ProfileSession.stop} report. */
export interface Profile {
  /** The active backend's name when the session started. */
  backend: string;
  /** Per kernel, the most time first (device time where there is one). */
  kernels: KernelProfile[];
  /** Kernel calls in all. */
  calls: number;
  /** Host milliseconds inside kernels, summed. */
  kernelMs: number;
  /** Device milliseconds, summed, when the device timed the kernels. */
  deviceMs?: number;
  /** Milliseconds from start to stop (after the device finished, when it timed the kernels). */
  wallMs: number;
  /** Tensors (of the session's backend) alive at the stop that were not at the start. */
  newTensors: number;
  /** Bytes of storage (every backend) alive at the stop that were not at the start. */
  newBytes: number;
  /** Most bytes of storage (every backend) alive at once during the session. */
  peakBytes: number;
  /** 'device' when `deviceMs` figures are present, else 'host'. */
  timing: 'host' | 'device';
}

/** Options of {@link profile} and {@link startProfile}. */
export interface ProfileOptions {
  /**
   * Time kernels on the device where the backend can (default true). On WebGPU this submits
   * every dispatch on its own, so the profiled code runs slower than it otherwise would; the
   * per-kernel figures are the point.
   */
  deviceTiming?: boolean;
}

interface Row {
  calls: number;
  ms: number;
  bytesIn: number;
  bytesOut: number;
}

/** An open profiling session: kernels run until `stop` are counted. */
export class ProfileSession {
  private readonly rows = new Map<string, Row>();
  private readonly backend: Backend;
  private readonly t0: number;
  private readonly tensors0: number;
  private readonly bytes0: number;
  private peak: number;
  private readonly timer: boolean;
  private stopped = false;
  private readonly observer: KernelObserver;

  /** Use {@link startProfile}. */
  constructor(opts: ProfileOptions = {}) {
    this.backend = getBackend();
    this.tensors0 = ENGINE.memory(this.backend).numTensors;
    this.bytes0 = ENGINE.totalBytes();
    this.peak = this.bytes0;
    // Only the session that starts the device timer reads it (nested sessions get host times).
    const timer = this.backend.deviceTimer;
    this.timer =
      opts.deviceTiming !== false && timer !== undefined && !timerOwners.has(timer)
        ? timer.start()
        : false;
    if (this.timer) timerOwners.add(timer!);
    this.observer = {
      kernel: (name, ms, bytesIn, bytesOut) => {
        let r = this.rows.get(name);
        if (!r) {
          r = { calls: 0, ms: 0, bytesIn: 0, bytesOut: 0 };
          this.rows.set(name, r);
        }
        r.calls++;
        r.ms += ms;
        r.bytesIn += bytesIn;
        r.bytesOut += bytesOut;
      },
      allocated: (live) => {
        if (live > this.peak) this.peak = live;
      },
    };
    ENGINE.addObserver(this.observer);
    this.t0 = performance.now();
  }

  /** Whether `stop` was called. */
  get closed(): boolean {
    return this.stopped;
  }

  /**
   * Ends the session and returns its profile. With a device timer it first submits the queued
   * work and waits for the device's timings.
   */
  async stop(): Promise<Profile> {
    if (this.stopped) throw new Error('profile: this session was already stopped');
    this.stopped = true;
    ENGINE.removeObserver(this.observer);
    let device: Map<string, { ms: number }> | undefined;
    const timer = this.backend.deviceTimer;
    if (this.timer && timer) {
      try {
        device = await timer.stop();
      } finally {
        timerOwners.delete(timer);
      }
    }
    const wallMs = performance.now() - this.t0;
    const kernels: KernelProfile[] = [...this.rows.entries()].map(([name, r]) => ({
      name,
      ...r,
      ...(device ? { deviceMs: device.get(name)?.ms ?? 0 } : {}),
    }));
    const key = (k: KernelProfile): number => k.deviceMs ?? k.ms;
    kernels.sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
    const { calls, ms: kernelMs, deviceMs } = totals(kernels);
    return {
      backend: this.backend.name,
      kernels,
      calls,
      kernelMs,
      ...(device ? { deviceMs } : {}),
      wallMs,
      newTensors: ENGINE.memory(this.backend).numTensors - this.tensors0,
      newBytes: ENGINE.totalBytes() - this.bytes0,
      peakBytes: this.peak,
      timing: device ? 'device' : 'host',
    };
  }
}

/** Sums of kernel lines (device time 0 where a line has none). */
function totals(rows: readonly KernelProfile[]): Required<Omit<KernelProfile, 'name'>> {
  const t = { calls: 0, ms: 0, deviceMs: 0, bytesIn: 0, bytesOut: 0 };
  for (const r of rows) {
    t.calls += r.calls;
    t.ms += r.ms;
    t.deviceMs += r.deviceMs ?? 0;
    t.bytesIn += r.bytesIn;
    t.bytesOut += r.bytesOut;
  }
  return t;
}

/** Device timers a session has started (one session reads a timer at a time). */
const timerOwners = new Set<object>();

/**
 * Starts counting kernel calls; `await session.stop()` returns the profile. For code that is not
 * one function (N steps of a training loop). Sessions nest: an outer one counts what an inner one
 * counts too.
 */
export function startProfile(opts: ProfileOptions = {}): ProfileSession {
  return new ProfileSession(opts);
}

/**
 * Runs `fn` (sync or async) and returns its result with the profile of the kernels it ran: per
 * kernel the calls, time and bytes in and out, plus the tensors and bytes it left alive and the
 * peak bytes. Kernels that other async code runs while `fn` awaits are counted too, as with
 * `tf.profile`. If `fn` throws, the session is closed and the error passes through.
 */
export async function profile<T>(
  fn: () => T | Promise<T>,
  opts: ProfileOptions = {},
): Promise<Profile & { result: T }> {
  const session = startProfile(opts);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    await session.stop();
    throw e;
  }
  return { ...(await session.stop()), result };
}

function fmtBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${b} B`;
}

/** Options of {@link formatProfile}. */
export interface FormatProfileOptions {
  /** Show the first `top` kernels (the rest are summed in one line). Default: all. */
  top?: number;
  /** Divide calls, times and bytes by this many steps (per-step figures). Default 1. */
  steps?: number;
}

/**
 * The profile as a text table, one kernel per line, the most time first: calls, milliseconds,
 * share of the kernel time, milliseconds per call, bytes in and out, and GB/s through the kernel
 * ((in + out) / time). With `steps`, calls, times and bytes are per step.
 */
export function formatProfile(p: Profile, opts: FormatProfileOptions = {}): string {
  const steps = opts.steps ?? 1;
  if (!(steps > 0)) throw new Error(`formatProfile: steps must be > 0, got ${steps}`);
  const device = p.timing === 'device';
  const total = device ? p.deviceMs! : p.kernelMs;
  const top = opts.top ?? p.kernels.length;
  const shown = p.kernels.slice(0, top);
  const rest = p.kernels.slice(top);
  const head = [
    'kernel',
    'calls',
    device ? 'device ms' : 'ms',
    '%',
    'ms/call',
    'in',
    'out',
    'GB/s',
    ...(device ? ['host ms'] : []),
  ];
  const line = (name: string, rows: KernelProfile[]): string[] => {
    const { calls, ms: host, deviceMs: dev, bytesIn: bin, bytesOut: bout } = totals(rows);
    const ms = device ? dev : host;
    return [
      name,
      (calls / steps).toFixed(steps === 1 ? 0 : 1),
      (ms / steps).toFixed(2),
      total > 0 ? ((100 * ms) / total).toFixed(1) : '0.0',
      calls > 0 ? (ms / calls).toFixed(3) : '0',
      fmtBytes(bin / steps),
      fmtBytes(bout / steps),
      ms > 0 ? ((bin + bout) / (ms * 1e6)).toFixed(1) : '—',
      ...(device ? [(host / steps).toFixed(2)] : []),
    ];
  };
  const body = shown.map((k) => line(k.name, [k]));
  if (rest.length > 0) body.push(line(`(${rest.length} more)`, rest));
  body.push(line('total', p.kernels));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const per = steps === 1 ? '' : `, per step over ${steps} steps`;
  return [
    `profile on ${p.backend}${per}: ${(p.wallMs / steps).toFixed(1)} ms wall, ${(total / steps).toFixed(1)} ms in ${(p.calls / steps).toFixed(steps === 1 ? 0 : 1)} kernel calls` +
      `${device ? ' (device time, timestamp queries)' : ''}; peak ${fmtBytes(p.peakBytes)}, ${p.newTensors} tensors left`,
    fmt(head),
    ...body.map(fmt),
  ].join('\n');
}
