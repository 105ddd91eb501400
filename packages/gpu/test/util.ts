/** Shared test helpers: the WebGPU backend once per file, and CPU-vs-WebGPU comparison. */
import {
  type Conv2DAttrs,
  type Conv2DOptions,
  getBackend,
  setBackend,
  type Tensor,
  type TypedArray,
  tidy,
} from '@igcnet/tensor';
import { expect, vi } from 'vitest';
import { registerWebGpuBackend, type WebGpuBackend } from '../src/index.js';

let registered = false;

/** Registers and activates the WebGPU backend. */
export async function useWebGpu(): Promise<WebGpuBackend> {
  if (!registered) {
    registerWebGpuBackend();
    registered = true;
  }
  return (await setBackend('webgpu')) as WebGpuBackend;
}

/** Runs `build` on the CPU and on WebGPU (same host-generated inputs) and returns both results. */
export async function onBoth(
  build: () => Tensor | Tensor[],
): Promise<{ cpu: TypedArray[]; gpu: TypedArray[]; shapes: number[][] }> {
  await setBackend('cpu');
  const cpuOut = tidy(() => {
    const r = build();
    return Array.isArray(r) ? r : [r];
  });
  const cpu = cpuOut.map((t) => t.dataSync());
  const shapes = cpuOut.map((t) => [...t.shape]);
  for (const t of cpuOut) t.dispose();
  await useWebGpu();
  const gpuOut = tidy(() => {
    const r = build();
    return Array.isArray(r) ? r : [r];
  });
  const gpu: TypedArray[] = [];
  for (const t of gpuOut) {
    expect([...t.shape]).toEqual(shapes[gpu.length]);
    gpu.push(await t.data());
    t.dispose();
  }
  return { cpu, gpu, shapes };
}

/** |gpu − cpu| ≤ atol + rtol · max|cpu|, per output. */
export function expectAgree(
  cpu: TypedArray[],
  gpu: TypedArray[],
  what: string,
  rtol = 1e-4,
  atol = 1e-6,
): void {
  expect(gpu.length).toBe(cpu.length);
  cpu.forEach((c, k) => {
    const g = gpu[k]!;
    expect(g.length, `${what}[${k}] length`).toBe(c.length);
    let scale = 0;
    for (const v of c) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const bound = atol + rtol * scale;
    let worst = 0;
    let at = -1;
    for (let i = 0; i < c.length; i++) {
      const a = g[i]!;
      const b = c[i]!;
      if (Number.isNaN(b) && Number.isNaN(a)) continue;
      const err = Math.abs(a - b);
      if (!(err <= worst)) {
        worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
        at = i;
      }
    }
    if (at >= 0 && !(worst <= bound)) {
      expect.fail(
        `${what}[${k}]: element ${at} is ${g[at]} on webgpu, ${c[at]} on cpu (error ${worst} > ${bound})`,
      );
    }
  });
}

/** The active backend's name (for sanity checks). */
export function active(): string {
  return getBackend().name;
}

/** conv2d's options for a resolved geometry, shuffles included. */
export function convOptions(g: Conv2DAttrs): Conv2DOptions {
  const { pad, ...rest } = g;
  return { ...rest, padding: pad };
}

/** Program keys that `fn` dispatches on the backend. */
export function keysOf(b: WebGpuBackend, fn: () => void): string[] {
  const spy = vi.spyOn(b, 'run');
  try {
    fn();
    return spy.mock.calls.map((call) => call[0].key);
  } finally {
    spy.mockRestore();
  }
}
