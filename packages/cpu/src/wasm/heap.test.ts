import { afterEach, describe, expect, it } from 'vitest';
import { wasmApi } from './api.js';
import { HEAP_BASE, heapPressureHandlers, WasmHeap } from './heap.js';

function freshHeap(pages = 2): WasmHeap {
  return new WasmHeap(new wasmApi!.Memory({ initial: pages, maximum: 65536, shared: true }));
}

describe.skipIf(!wasmApi)('WasmHeap', () => {
  const handlers: (() => boolean)[] = [];
  afterEach(() => {
    for (const h of handlers) heapPressureHandlers.delete(h);
    handlers.length = 0;
  });

  it('hands out aligned, disjoint blocks above the reserved low memory', () => {
    const h = freshHeap();
    const a = h.alloc(10, false);
    const b = h.alloc(100, false);
    const c = h.alloc(64, false);
    expect(a).toBe(HEAP_BASE);
    for (const p of [a, b, c]) expect(p % 64).toBe(0);
    expect(b).toBe(a + 64);
    expect(c).toBe(b + 128);
    expect(h.usedBytes).toBe(256);
  });

  it('reuses a freed block of the same size, and merges free neighbours', () => {
    const h = freshHeap();
    const [a, b, c, d] = [
      h.alloc(64, false),
      h.alloc(64, false),
      h.alloc(64, false),
      h.alloc(64, false),
    ];
    h.free(b);
    expect(h.alloc(64, false)).toBe(b);
    h.free(b);
    h.free(c);
    // b and c merged: a 128-byte request fits where they were.
    expect(h.freeBytes).toBe(128);
    expect(h.alloc(128, false)).toBe(b);
    // Best fit splits a larger block and keeps the rest.
    h.free(b);
    expect(h.alloc(64, false)).toBe(b);
    expect(h.freeBytes).toBe(64);
    expect(h.alloc(64, false)).toBe(c);
    // Freeing the last block lowers the top: the next block starts there again.
    h.free(d);
    expect(h.alloc(256, false)).toBe(d);
    expect([a, h.usedBytes]).toEqual([HEAP_BASE, 64 * 3 + 256]);
  });

  it('zeroes reused memory when asked, and only that', () => {
    const h = freshHeap();
    const a = h.alloc(256, true);
    h.f32(a, 64).fill(7);
    h.free(a);
    expect(Array.from(h.f32(h.alloc(256, false), 64)).every((v) => v === 7)).toBe(true);
    h.free(a);
    expect(Array.from(h.f32(h.alloc(256, true), 64)).every((v) => v === 0)).toBe(true);
  });

  it('grows the memory, keeps older views valid, and knows its views', () => {
    const h = freshHeap(2);
    const a = h.alloc(1024, false);
    const va = h.f32(a, 256);
    va[5] = 3;
    const before = h.capacity;
    const big = h.alloc(4 * 1024 * 1024, true);
    expect(h.capacity).toBeGreaterThan(before);
    const vb = h.f32(big, 1024 * 1024);
    expect(vb[vb.length - 1]).toBe(0);
    h.f32(a, 256)[6] = 4;
    expect([va[5], va[6]]).toEqual([3, 4]);
    expect(h.owns(va) && h.owns(vb)).toBe(true);
    expect(h.owns(new Float32Array(4))).toBe(false);
  });

  it('asks the pools for their blocks before growing', () => {
    const h = freshHeap(2);
    const kept: number[] = [];
    for (let i = 0; i < 8; i++) kept.push(h.alloc(8192, false));
    const cap = h.capacity;
    const release = (): boolean => {
      const any = kept.length > 0;
      for (const p of kept.splice(0)) h.free(p);
      return any;
    };
    handlers.push(release);
    heapPressureHandlers.add(release);
    // 64 KiB does not fit above the kept blocks without growing; once they are handed back it does.
    const p = h.alloc(65536, false);
    expect(p).toBe(HEAP_BASE);
    expect(h.capacity).toBe(cap);
  });

  it('refuses to free a block twice', () => {
    const h = freshHeap();
    const a = h.alloc(64, false);
    h.free(a);
    expect(() => h.free(a)).toThrow(/no live block/);
  });

  it('returns 0 when wasm32 cannot hold the request', () => {
    const h = freshHeap();
    expect(h.alloc(2 ** 32, false)).toBe(0);
    expect(h.alloc(64, false)).toBe(HEAP_BASE);
  });
});
