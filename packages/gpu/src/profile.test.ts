/**
 * `profile` of @igcnet/tensor on WebGPU: kernel calls and bytes as on any backend, and with
 * timestamp queries (SwiftShader has them) device time per contract kernel, the dispatches of
 * each kernel timed under its name.
 */
import {
  conv2d,
  formatProfile,
  profile,
  randomNormal,
  relu,
  setBackend,
  sum,
  tidy,
} from '@igcnet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { useWebGpu } from '../test/util.js';

afterAll(async () => {
  await setBackend('cpu');
});

describe('profile on WebGPU', () => {
  it('times every kernel on the device where the adapter has timestamp queries', async () => {
    const backend = await useWebGpu();
    const x = randomNormal([2, 4, 6, 6], { seed: 1 });
    const w = randomNormal([4, 2, 3, 3], { seed: 2 });
    // Warm-up: pipelines compile outside the profile.
    const warm = tidy(() => sum(relu(conv2d(x, w, { padding: 1, groups: 2 }))));
    await warm.data();
    warm.dispose();
    const dispatches = backend.execStats.dispatches;
    const p = await profile(async () => {
      const y = tidy(() => sum(relu(conv2d(x, w, { padding: 1, groups: 2 }))));
      const v = await y.data();
      y.dispose();
      return v[0];
    });
    expect(p.backend).toBe('webgpu');
    expect(p.kernels.map((k) => k.name).sort()).toEqual(['Conv2D', 'Relu', 'Sum']);
    const conv = p.kernels.find((k) => k.name === 'Conv2D')!;
    expect(conv).toMatchObject({ calls: 1, bytesIn: 4 * (2 * 4 * 36 + 4 * 18), bytesOut: 4 * 288 });
    expect(p.newTensors).toBe(0);
    if (backend.enableProfiling()) {
      expect(p.timing).toBe('device');
      // A tiny elementwise pass can read 0 on a coarse clock; the conv cannot.
      for (const k of p.kernels) expect(k.deviceMs, k.name).toBeGreaterThanOrEqual(0);
      expect(conv.deviceMs).toBeGreaterThan(0);
      expect(p.deviceMs).toBeCloseTo(
        p.kernels.reduce((s, k) => s + k.deviceMs!, 0),
        9,
      );
      expect(formatProfile(p)).toMatch(/device time, timestamp queries/);
    } else {
      expect(p.timing).toBe('host');
    }
    expect(backend.execStats.dispatches).toBeGreaterThan(dispatches);
    // After the session, dispatches batch again and are no longer timed one by one.
    const submits = backend.execStats.submits;
    tidy(() => {
      for (let i = 0; i < 3; i++) relu(x);
    });
    expect(backend.execStats.submits).toBe(submits);
    x.dispose();
    w.dispose();
  });
});
