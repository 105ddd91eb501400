import { describe, expect, it } from 'vitest';
import {
  add,
  type Backend,
  type DeviceTime,
  type DeviceTimer,
  dispose,
  ENGINE,
  formatProfile,
  getBackend,
  type KernelProfile,
  matmul,
  memory,
  mul,
  profile,
  registerBackend,
  relu,
  removeBackend,
  setBackend,
  startProfile,
  sum,
  tensor,
  tidy,
} from '../index.js';

const row = (p: { kernels: KernelProfile[] }, name: string) =>
  p.kernels.find((k) => k.name === name);

describe('profile', () => {
  it('counts calls and bytes per kernel of a known graph', async () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([1, 0, 1, 0, 1, 0], [3, 2]);
    const p = await profile(() =>
      tidy(() => {
        const m = matmul(a, b); // [2,2]
        const r = relu(add(m, m));
        return sum(mul(r, r));
      }),
    );
    expect(p.kernels.map((k) => k.name).sort()).toEqual(['Add', 'MatMul', 'Mul', 'Relu', 'Sum']);
    expect(p.calls).toBe(5);
    for (const k of p.kernels) expect(k.calls).toBe(1);
    expect(row(p, 'MatMul')).toMatchObject({ bytesIn: 4 * (6 + 6), bytesOut: 4 * 4 });
    expect(row(p, 'Add')).toMatchObject({ bytesIn: 4 * 8, bytesOut: 4 * 4 });
    expect(row(p, 'Sum')).toMatchObject({ bytesIn: 4 * 4, bytesOut: 4 });
    // a·b = [[6, 0], [15, 0]]; Σ(2·m)² = 12² + 30².
    expect(p.result.dataSync()[0]).toBe(1044);
    // The result is the one tensor the function left alive.
    expect(p.newTensors).toBe(1);
    expect(p.newBytes).toBe(4);
    expect(p.peakBytes).toBeGreaterThanOrEqual(ENGINE.totalBytes() - 4 + 16);
    expect(p.timing).toBe('host');
    expect(p.deviceMs).toBeUndefined();
    expect(p.kernelMs).toBeCloseTo(
      p.kernels.reduce((s, k) => s + k.ms, 0),
      9,
    );
    expect(p.wallMs).toBeGreaterThanOrEqual(p.kernelMs);
    dispose([a, b, p.result]);
  });

  it('adds repeated calls and sorts by time', async () => {
    const x = tensor([1, -2, 3]);
    const p = await profile(() => {
      for (let i = 0; i < 7; i++) relu(x).dispose();
      add(x, x).dispose();
    });
    expect(row(p, 'Relu')).toMatchObject({ calls: 7, bytesIn: 7 * 12, bytesOut: 7 * 12 });
    expect(row(p, 'Add')!.calls).toBe(1);
    for (let i = 1; i < p.kernels.length; i++)
      expect(p.kernels[i - 1]!.ms).toBeGreaterThanOrEqual(p.kernels[i]!.ms);
    expect(p.newTensors).toBe(0);
    expect(p.newBytes).toBe(0);
    x.dispose();
  });

  it('nests: the outer session counts what the inner one counts', async () => {
    const x = tensor([1, 2]);
    const outer = startProfile();
    add(x, x).dispose();
    const inner = await profile(() => mul(x, x).dispose());
    mul(x, x).dispose();
    const o = await outer.stop();
    expect(inner.kernels.map((k) => [k.name, k.calls])).toEqual([['Mul', 1]]);
    expect(row(o, 'Mul')!.calls).toBe(2);
    expect(row(o, 'Add')!.calls).toBe(1);
    x.dispose();
  });

  it('follows an async function across awaits', async () => {
    const x = tensor([1, 2, 3]);
    const p = await profile(async () => {
      add(x, x).dispose();
      await new Promise((r) => setTimeout(r, 5));
      const y = mul(x, x);
      const v = await y.data();
      y.dispose();
      return v[2];
    });
    expect(p.result).toBe(9);
    expect(p.calls).toBe(2);
    expect(p.wallMs).toBeGreaterThanOrEqual(4);
    x.dispose();
  });

  it('leaves no observer and no tensor behind, also when the function throws', async () => {
    const before = memory().numTensors;
    const observers = ENGINE.observerCount();
    for (let i = 0; i < 20; i++) {
      const p = await profile(() => tidy(() => add(tensor([i]), 1).dataSync()[0]));
      expect(p.result).toBe(i + 1);
    }
    await expect(
      profile(() => {
        tensor([1]).dispose();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ENGINE.observerCount()).toBe(observers);
    expect(memory().numTensors).toBe(before);
  });

  it('refuses a second stop', async () => {
    const s = startProfile();
    await s.stop();
    expect(s.closed).toBe(true);
    await expect(s.stop()).rejects.toThrow(/already stopped/);
  });

  it('reports device time per kernel from a backend with a device timer', async () => {
    const active = getBackend();
    const labels: (string | null)[] = [];
    let started = 0;
    let stopped = 0;
    const timer: DeviceTimer = {
      start: () => {
        started++;
        return true;
      },
      label: (l) => {
        labels.push(l);
      },
      stop: async () => {
        stopped++;
        const m = new Map<string, DeviceTime>();
        // 2 ms of device time per labelled kernel call.
        for (const l of labels) {
          if (l === null) continue;
          const e = m.get(l) ?? { ms: 0, passes: 0 };
          e.ms += 2;
          e.passes++;
          m.set(l, e);
        }
        return m;
      },
    };
    registerBackend('timed', () =>
      Object.assign(Object.create(active) as Backend, { name: 'timed', deviceTimer: timer }),
    );
    await setBackend('timed');
    try {
      const x = tensor([1, 2]);
      const p = await profile(() => {
        for (let i = 0; i < 3; i++) mul(x, x).dispose();
        add(x, x).dispose();
      });
      expect(started).toBe(1);
      expect(stopped).toBe(1);
      expect(labels).toEqual(['Mul', null, 'Mul', null, 'Mul', null, 'Add', null]);
      expect(p.timing).toBe('device');
      expect(row(p, 'Mul')).toMatchObject({ calls: 3, deviceMs: 6 });
      expect(row(p, 'Add')).toMatchObject({ calls: 1, deviceMs: 2 });
      expect(p.deviceMs).toBe(8);
      expect(p.kernels[0]!.name).toBe('Mul');
      expect(formatProfile(p)).toMatch(/device ms/);
      // Host timing only when asked, and the timer is left alone.
      const h = await profile(() => add(x, x).dispose(), { deviceTiming: false });
      expect(h.timing).toBe('host');
      expect(started).toBe(1);
      x.dispose();
    } finally {
      await setBackend(active.name);
      removeBackend('timed');
    }
  });

  it('formats a table per step', async () => {
    const x = tensor([1, 2, 3, 4]);
    const p = await profile(() => {
      for (let i = 0; i < 4; i++) mul(x, x).dispose();
      for (let i = 0; i < 2; i++) add(x, x).dispose();
    });
    const text = formatProfile(p, { steps: 2 });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/per step over 2 steps/);
    expect(lines[1]).toMatch(/^kernel\s+calls\s+ms\s+%\s+ms\/call\s+in\s+out\s+GB\/s$/);
    const mulLine = lines.find((l) => l.startsWith('Mul'))!;
    // 2 calls per step, each reading 32 B and writing 16 B.
    expect(mulLine.split(/\s+/).slice(1, 2)).toEqual(['2.0']);
    expect(mulLine).toMatch(/\b64 B\s+32 B\b/);
    expect(lines.at(-1)).toMatch(/^total\s+3\.0\s/);
    const top1 = formatProfile(p, { top: 1 }).split('\n');
    expect(top1.some((l) => l.startsWith('(1 more)'))).toBe(true);
    expect(() => formatProfile(p, { steps: 0 })).toThrow(/steps/);
    x.dispose();
  });
});
