import { add, randomNormal, setBackend, sum, tidy } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { useWebGpu } from '../../test/util.js';
import { createWebGpuBackend } from '../index.js';
import { acquireDevice } from './device.js';

describe('device', () => {
  it('names the adapter and says whether it is a fallback (software) adapter', async () => {
    const b = await useWebGpu();
    expect(b.adapterInfo.name.length).toBeGreaterThan(0);
    expect(typeof b.adapterInfo.isFallback).toBe('boolean');
    if (/swiftshader/i.test(b.adapterInfo.name)) expect(b.adapterInfo.isFallback).toBe(true);
    expect(b.deviceLimits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
    expect(b.limits.maxBufferBytes).toBeGreaterThan(0);
  });

  it('says what to install when no adapter is found', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    await expect(acquireDevice({ gpu })).rejects.toThrow(
      /no WebGPU adapter was found.*webgpu.*libvulkan1/s,
    );
  });

  it('batches dispatches: one submit per read, not per op', async () => {
    const b = await useWebGpu();
    const before = b.execStats.submits;
    const y = tidy(() => {
      let t = randomNormal([64], { seed: 1 });
      for (let i = 0; i < 20; i++) t = add(t, t);
      return sum(t);
    });
    await y.data();
    y.dispose();
    expect(b.execStats.submits - before).toBe(1);
  });

  it('raises a clear error after device loss and never returns numbers computed since', async () => {
    const b = await createWebGpuBackend();
    const { registerBackend } = await import('@igcnet/tensor');
    registerBackend('webgpu-lost', () => b, 0);
    await setBackend('webgpu-lost');
    const x = randomNormal([16], { seed: 2 });
    const y = add(x, x);
    b.device.destroy();
    await expect(y.data()).rejects.toThrow(/device .*was lost/);
    expect(() => add(x, x)).toThrow(/was lost/);
    await setBackend('cpu');
  });
});
