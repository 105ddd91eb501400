import { describe, expect, it } from 'vitest';
import {
  add,
  type Backend,
  dispose,
  ENGINE,
  getBackend,
  grad,
  grads,
  keep,
  matmul,
  memory,
  mul,
  ones,
  registerBackend,
  removeBackend,
  reshape,
  setBackend,
  sum,
  tensor,
  tidy,
  valueAndGrads,
  variable,
} from '../index.js';

describe('tidy, keep and dispose', () => {
  it('frees intermediates and keeps what is returned', () => {
    const before = memory().numTensors;
    const kept = tidy(() => {
      const a = ones([2, 2]);
      const b = add(a, a);
      return { b, n: 3 };
    });
    expect(memory().numTensors).toBe(before + 1);
    expect(kept.b.dataSync()).toEqual(new Float32Array([2, 2, 2, 2]));
    kept.b.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('keeps tensors passed to keep past the scope', () => {
    const before = memory().numTensors;
    let k: ReturnType<typeof ones> | undefined;
    tidy(() => {
      k = keep(ones([3]));
      ones([4]);
    });
    expect(memory().numTensors).toBe(before + 1);
    expect(k!.dataSync().length).toBe(3);
    dispose(k!);
    expect(memory().numTensors).toBe(before);
  });

  it('frees a scope when the function throws', () => {
    const before = memory().numTensors;
    expect(() =>
      tidy(() => {
        ones([5]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numTensors).toBe(before);
  });

  it('rejects async functions', () => {
    expect(() => tidy(() => Promise.resolve() as never)).toThrow(/synchronous/);
  });

  it('counts bytes once for views that share storage', () => {
    const before = memory();
    const a = ones([2, 6]);
    const v = reshape(a, [3, 4]);
    const m = memory();
    expect(m.numTensors).toBe(before.numTensors + 2);
    expect(m.numDataBuffers).toBe(before.numDataBuffers + 1);
    expect(m.numBytes).toBe(before.numBytes + 48);
    a.dispose();
    expect(v.dataSync().length).toBe(12);
    v.dispose();
    expect(memory().numBytes).toBe(before.numBytes);
    expect(memory().backendBytes).toBe(before.backendBytes);
  });

  it('errors on use after dispose, naming the tensor', () => {
    const a = ones([2]);
    a.dispose();
    expect(() => add(a, a)).toThrow(/disposed/);
  });
});

describe('variables', () => {
  it('assign swaps storage without leaking', () => {
    const v = variable(ones([2]), { name: 'w' });
    const before = memory().numBytes;
    tidy(() => v.assign(mul(v, 3)));
    expect(v.dataSync()).toEqual(new Float32Array([3, 3]));
    expect(memory().numBytes).toBe(before);
    expect(() => v.assign(ones([3]))).toThrow(/'w' is \[2\] float32, got \[3\] float32/);
    v.dispose();
  });

  it('survives tidy', () => {
    const v = tidy(() => variable(ones([2])));
    expect(v.dataSync().length).toBe(2);
    v.dispose();
  });
});

describe('autograd', () => {
  it('accumulates gradients of a tensor used twice', () => {
    const x = tensor([1, 2, 3]);
    const [g] = grads(() => sum(mul(x, x)), [x]);
    expect(g!.dataSync()).toEqual(new Float32Array([2, 4, 6]));
    dispose([x, g!]);
  });

  it('frees every intermediate, even ones the function disposed itself', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const w = variable(
      tensor([
        [1, 0],
        [0, 1],
      ]),
    );
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads: gs } = valueAndGrads(() => {
        const y = matmul(x, w);
        const z = mul(y, 2);
        y.dispose();
        return sum(z);
      }, [w]);
      expect(gs[0]!.dataSync()).toEqual(new Float32Array([8, 8, 12, 12]));
      dispose([value, ...gs]);
    }
    expect(memory().numTensors).toBe(before);
    dispose([x, w]);
  });

  it('gives zeros for inputs the function does not use', () => {
    const x = tensor([1, 2]);
    const y = tensor([5]);
    const [gx, gy] = grads(() => sum(x), [x, y]);
    expect(gy!.dataSync()).toEqual(new Float32Array([0]));
    dispose([x, y, gx!, gy!]);
  });

  it('offers jax-style grad', () => {
    const x = tensor([3]);
    const g = grad((t) => mul(t, t))(x);
    expect(g.dataSync()[0]).toBe(6);
    dispose([x, g]);
  });

  it('refuses nested recording', () => {
    const x = tensor([1]);
    expect(() => grads(() => grads(() => sum(x), [x])[0]!, [x])).toThrow(/nested/);
    x.dispose();
  });
});

describe('backend registry', () => {
  it('names a missing kernel', async () => {
    const active = getBackend();
    const { Conv2D: _omit, ...rest } = active.kernels;
    registerBackend('no-conv', () =>
      Object.assign(Object.create(active) as Backend, { name: 'no-conv', kernels: rest }),
    );
    const prev = active.name;
    await setBackend('no-conv');
    try {
      expect(() =>
        ENGINE.runKernel(
          'Conv2D',
          { x: ones([1, 1, 3, 3]), w: ones([1, 1, 3, 3]) },
          {
            stride: [1, 1],
            pad: [0, 0, 0, 0],
            dilation: [1, 1],
            groups: 1,
          },
        ),
      ).toThrow("Kernel 'Conv2D' is not implemented by backend 'no-conv'");
    } finally {
      await setBackend(prev);
      removeBackend('no-conv');
    }
  });

  it('rejects unknown backends with the registered names', async () => {
    await expect(setBackend('tpu')).rejects.toThrow(/no backend named 'tpu'; registered: .*cpu/);
  });
});
