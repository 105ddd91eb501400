import { afterEach, describe, expect, it } from 'vitest';
import { buildKernelTable } from '../backend/kernels.js';
import type { Backend, BackendLimits, KernelImpl, KernelTable } from '../core/backend.js';
import type { KernelName } from '../core/kernel_names.js';
import {
  clone,
  ENGINE,
  full,
  getBackend,
  memory,
  registerBackend,
  removeBackend,
  setBackend,
} from '../index.js';

/** The CPU backend under another name, with other limits and some kernels replaced. */
function variant(
  name: string,
  limits: BackendLimits | undefined,
  replace: KernelTable = {},
): Backend {
  const inner = getBackend();
  return {
    name,
    write: (v, s, d) => inner.write(v, s, d),
    read: (id) => inner.read(id),
    disposeData: (id) => inner.disposeData(id),
    memory: () => inner.memory(),
    kernels: {
      ...buildKernelTable(<K extends KernelName>(k: K): KernelImpl<K> | undefined => {
        const impl = inner.kernels[k];
        return impl && ((args) => impl({ ...args, backend: inner }));
      }),
      ...replace,
    },
    limits,
  };
}

const previous = getBackend().name;
async function use(b: Backend): Promise<void> {
  registerBackend(b.name, () => b, -1);
  await setBackend(b.name);
}
afterEach(async () => {
  await setBackend(previous);
  for (const n of ['small', 'aliasing', 'twice']) removeBackend(n);
});

describe('what Backend.write may rely on', () => {
  it('a typed array of the wrong kind is refused, naming the one to pass', () => {
    expect(() => ENGINE.fromValues(new Float32Array([1, 2]), [2], 'int32')).toThrow(
      'write: a int32 tensor takes a Int32Array, got a Float32Array (convert it first: Int32Array.from(values))',
    );
    expect(() => ENGINE.fromValues(new Int32Array([1, 2]), [2], 'float32')).toThrow(
      'takes a Float32Array, got a Int32Array',
    );
    expect(() =>
      ENGINE.fromValues(new Uint8Array(2) as unknown as Float32Array, [2], 'float32'),
    ).toThrow('got a Uint8Array');
  });

  it('values must fill the shape exactly', () => {
    expect(() => ENGINE.fromValues(new Float32Array(5), [2, 3], 'float32')).toThrow(
      'write: shape [2,3] has 6 elements, the values 5',
    );
  });

  it("a write over the backend's limits fails before the backend allocates", async () => {
    await use(variant('small', { maxBufferBytes: 16 }));
    const before = memory().numTensors;
    const fits = ENGINE.fromValues(new Float32Array(4), [4], 'float32');
    expect(() => ENGINE.fromValues(new Float32Array(5), [5], 'float32')).toThrow(
      "write: a float32 tensor of shape [5] needs 20 bytes, more than backend 'small' allows in one buffer (limits.maxBufferBytes = 16)",
    );
    expect(memory().numTensors).toBe(before + 1);
    fits.dispose();
  });

  it("full() uses the backend's fill, within the same limits; without fill it writes", async () => {
    const inner = getBackend();
    const calls: number[] = [];
    const small = variant('small', { maxBufferBytes: 16 });
    await use({
      ...small,
      fill: (shape, dtype, value) => {
        calls.push(value);
        return inner.fill
          ? inner.fill(shape, dtype, value)
          : inner.write(new Float32Array(4).fill(value), shape, dtype);
      },
    });
    const t = full([4], 2.5);
    expect(Array.from(await t.data())).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(() => full([5], 1)).toThrow(
      "fill: a float32 tensor of shape [5] needs 20 bytes, more than backend 'small' allows in one buffer (limits.maxBufferBytes = 16)",
    );
    expect(calls).toEqual([2.5]);
    t.dispose();
    await use(variant('twice', undefined));
    const w = full([3], -0);
    expect(Object.is((await w.data())[1], -0)).toBe(true);
    w.dispose();
  });

  it('a backend without limits takes any size', async () => {
    await use(variant('small', undefined));
    const t = ENGINE.fromValues(new Float32Array(1000), [1000], 'float32');
    expect(t.size).toBe(1000);
    t.dispose();
  });
});

describe('kernel outputs are fresh storage', () => {
  it('an output aliasing an input is refused, naming the kernel and the backend', async () => {
    await use(
      variant('aliasing', undefined, {
        Identity: ({ inputs: { x } }) => x,
      }),
    );
    const x = ENGINE.fromValues(new Float32Array([1, 2]), [2], 'float32');
    expect(() => clone(x)).toThrow(
      "Identity: backend 'aliasing' returned output 0 in storage that another tensor already holds",
    );
    // The input is untouched and still owned once.
    expect(ENGINE.refCount(x.dataId)).toBe(1);
    expect(Array.from(await x.data())).toEqual([1, 2]);
    x.dispose();
  });

  it('two outputs in one storage are refused', async () => {
    const inner = getBackend();
    const topk = inner.kernels.TopK!;
    await use(
      variant('twice', undefined, {
        TopK: (args) => {
          const [values, indices] = topk({ ...args, backend: inner });
          inner.disposeData(indices.dataId);
          return [values, values];
        },
      }),
    );
    const x = ENGINE.fromValues(new Float32Array([3, 1, 2]), [3], 'float32');
    expect(() => ENGINE.runKernel('TopK', { x }, { k: 1 })).toThrow(
      "TopK: backend 'twice' returned output 1 in storage that another tensor already holds",
    );
    x.dispose();
  });
});
