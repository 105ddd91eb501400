import { describe, expect, it } from 'vitest';
import { BufferPool, sizeClass } from './pool.js';

function fakeDevice(): { device: GPUDevice; created: () => number } {
  let n = 0;
  const device = {
    createBuffer: ({ size }: { size: number }) => {
      n++;
      return { size, destroy: () => undefined } as unknown as GPUBuffer;
    },
  } as unknown as GPUDevice;
  return { device, created: () => n };
}

describe('BufferPool', () => {
  it('rounds sizes up to quarter powers of two', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(1024)).toBe(1024);
    expect(sizeClass(1025)).toBe(1280);
    expect(sizeClass(5000)).toBe(5120);
    for (let b = 1; b < 1e6; b = Math.ceil(b * 1.37)) {
      expect(sizeClass(b)).toBeGreaterThanOrEqual(b);
      expect(sizeClass(b)).toBeLessThanOrEqual(Math.max(256, b * 1.25 + 4));
    }
  });

  it('reuses a released buffer only after a submit', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device, 1 << 30);
    const a = pool.acquire(4000);
    pool.release(a);
    const b = pool.acquire(4000);
    expect(b).not.toBe(a);
    expect(created()).toBe(2);
    pool.onSubmitted();
    const c = pool.acquire(3900);
    expect(c).toBe(a);
    expect(created()).toBe(2);
    expect(pool.liveBytes).toBe(2 * sizeClass(4000));
    expect(pool.pooledBytes).toBe(0);
  });

  it('drops its free lists and retries when an allocation fails', () => {
    let fail = true;
    let destroyed = 0;
    const device = {
      createBuffer: ({ size }: { size: number }) => {
        if (size > 1000 && fail) {
          fail = false;
          throw new Error('out of memory');
        }
        return { size, destroy: () => destroyed++ } as unknown as GPUBuffer;
      },
    } as unknown as GPUDevice;
    const pool = new BufferPool(device, 1 << 30);
    pool.release(pool.acquire(100));
    pool.onSubmitted();
    expect(pool.pooledBytes).toBe(256);
    pool.acquire(5000);
    expect(destroyed).toBe(1);
    expect(pool.pooledBytes).toBe(0);
  });

  it('refuses buffers beyond the device limit with a clear error', () => {
    const pool = new BufferPool(fakeDevice().device, 1 << 20);
    expect(() => pool.acquire(2 << 20)).toThrow(/maxBufferSize/);
  });
});
