import type { TensorInfo } from '@igcnet/tensor/backend';
import { afterEach, describe, expect, it } from 'vitest';
import type { CpuBackend } from './backend.js';
import { setCpuKernelOptions } from './options.js';
import { createCpuBackend } from './register.js';
import type { CpuData } from './storage.js';
import { loadWasmKernels } from './wasm/module.js';

const wasm = loadWasmKernels();

function valuesOf(id: unknown): Float32Array {
  return (id as CpuData).values as Float32Array;
}

function tensor(b: CpuBackend, values: number[], shape: number[]): TensorInfo {
  return { dataId: b.write(Float32Array.from(values), shape, 'float32'), shape, dtype: 'float32' };
}

function relu(b: CpuBackend, x: TensorInfo): TensorInfo {
  return b.kernels.Relu!({ inputs: { x }, attrs: {}, backend: b });
}

describe('CPU storage', () => {
  const made: CpuBackend[] = [];
  const backend = (): CpuBackend => {
    const b = createCpuBackend();
    made.push(b);
    return b;
  };
  afterEach(() => {
    setCpuKernelOptions({ impl: 'auto' });
    for (const b of made.splice(0)) b.dispose();
  });

  it.skipIf(!wasm)('keeps tensors in the kernels’ WebAssembly memory', () => {
    const b = backend();
    const x = tensor(b, [1, -2, 3, -4], [4]);
    const y = relu(b, x);
    for (const t of [x, y]) expect(wasm!.heap.owns(valuesOf(t.dataId))).toBe(true);
    expect(Array.from(valuesOf(y.dataId))).toEqual([1, 0, 3, 0]);
    // Reads are plain copies the caller owns.
    const read = b.readSync(y.dataId);
    expect(read.buffer).toBeInstanceOf(ArrayBuffer);
    read[0] = 9;
    expect(valuesOf(y.dataId)[0]).toBe(1);
  });

  it('keeps plain arrays with impl: ts, and the wasm kernels take them too', () => {
    setCpuKernelOptions({ impl: 'ts' });
    const b = backend();
    const x = tensor(b, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = tensor(b, [1, 0, -1, 2, 0, -2, 1, 0, -1], [1, 1, 3, 3]);
    expect(valuesOf(x.dataId).buffer).toBeInstanceOf(ArrayBuffer);
    const attrs = { stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } as const;
    const ts = b.kernels.Conv2D!({ inputs: { x, w }, attrs, backend: b });
    if (wasm) setCpuKernelOptions({ impl: 'wasm' });
    const ws = b.kernels.Conv2D!({ inputs: { x, w }, attrs, backend: b });
    expect(Array.from(b.readSync(ws.dataId))).toEqual(Array.from(b.readSync(ts.dataId)));
    if (wasm) expect(wasm.heap.owns(valuesOf(ws.dataId))).toBe(true);
  });

  it('accounts each backend instance on its own', () => {
    const a = backend();
    const b = backend();
    const x = tensor(a, [1, 2, 3], [3]);
    expect(a.memory()).toEqual({ bytes: 12, pooledBytes: 0 });
    expect(b.memory()).toEqual({ bytes: 0, pooledBytes: 0 });
    // A kernel's outputs belong to the backend it is called with.
    const y = relu(b, x);
    expect(b.memory().bytes).toBe(12);
    a.disposeData(x.dataId);
    expect(a.memory().bytes).toBe(0);
    expect(a.memory().pooledBytes).toBeGreaterThanOrEqual(12);
    expect(b.memory().pooledBytes).toBe(0);
    b.disposeData(y.dataId);
    expect(b.memory()).toEqual({ bytes: 0, pooledBytes: a.memory().pooledBytes });
  });

  it.skipIf(!wasm)('reuses freed storage of the same size without growing the memory', () => {
    const b = backend();
    const x = tensor(b, new Array(5000).fill(1), [5000]);
    const first = relu(b, x);
    const at = valuesOf(first.dataId).byteOffset;
    b.disposeData(first.dataId);
    const capacity = wasm!.heap.capacity;
    for (let i = 0; i < 20; i++) {
      const y = relu(b, x);
      expect(valuesOf(y.dataId).byteOffset).toBe(at);
      b.disposeData(y.dataId);
    }
    expect(wasm!.heap.capacity).toBe(capacity);
  });

  it.skipIf(!wasm)('gives pooled storage back to the heap before the memory grows', () => {
    const a = backend();
    const b = backend();
    const x = tensor(a, new Array(4096).fill(1), [4096]);
    a.disposeData(x.dataId);
    expect(a.memory().pooledBytes).toBeGreaterThan(0);
    // Larger than the whole memory: it must grow, and the pools are emptied first.
    const n = wasm!.heap.capacity / 4 + 1024;
    const big = b.store.allocate(n, 'float32', false);
    expect(a.memory().pooledBytes).toBe(0);
    big.free();
  });
});
