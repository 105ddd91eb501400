/**
 * The reductions that have a subgroup variant (Sum, Max, ArgMax, BatchNormTrain and its gradient,
 * Softmax, LogSoftmax, SoftmaxCrossEntropy, the GEMM dot kernel), with subgroups off and on, against the CPU backend
 * (1e-4 relative), on lengths around the workgroup and subgroup sizes, ties, infinities and NaN.
 * SwiftShader exposes `subgroups` (size 4), so both variants really run here.
 */
import {
  argmax,
  cast,
  ENGINE,
  logSoftmax,
  matmul,
  max,
  randomNormal,
  randomUniform,
  registerBackend,
  removeBackend,
  setBackend,
  softmax,
  softmaxCrossEntropy,
  sum,
  type Tensor,
  type TypedArray,
  tensor,
  tidy,
} from '@igcnet/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAgree } from '../../test/util.js';
import type { WebGpuBackend } from '../backend.js';
import { acquireDevice } from '../device/device.js';
import { createWebGpuBackend } from '../index.js';

/** Reduction lengths: 1, around the subgroup and workgroup sizes, and long. */
const LENGTHS = [1, 3, 31, 32, 33, 255, 257, 1000];

const rn = (shape: number[], seed: number) => randomNormal(shape, { seed });
const ints = (shape: number[], seed: number, lo: number, hi: number) =>
  cast(randomUniform(shape, { seed, min: lo, max: hi }), 'int32');
const f32 = (values: number[], shape: number[]) => tensor(Float32Array.from(values), shape);

const variants: { name: string; backend: WebGpuBackend }[] = [];

beforeAll(async () => {
  for (const subgroups of [false, true]) {
    const backend = await createWebGpuBackend({ subgroups });
    const name = `webgpu-subgroups-${subgroups ? 'on' : 'off'}`;
    registerBackend(name, () => backend, 0);
    variants.push({ name, backend });
  }
});

afterAll(async () => {
  await setBackend('cpu');
  for (const v of variants) {
    removeBackend(v.name);
    v.backend.dispose();
  }
});

async function outputs(backend: string, build: () => Tensor[]): Promise<TypedArray[]> {
  await setBackend(backend);
  const ts = tidy(build);
  const out: TypedArray[] = [];
  for (const t of ts) {
    out.push(await t.data());
    t.dispose();
  }
  return out;
}

/** Equal infinities count as agreeing (`expectAgree` measures |gpu − cpu|, NaN for them). */
function finiteWhereEqual(cpu: TypedArray[], gpu: TypedArray[]): TypedArray[][] {
  const c = cpu.map((a) => a.slice());
  const g = gpu.map((a) => a.slice());
  c.forEach((a, k) => {
    const b = g[k];
    if (!b) return;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]!) && a[i] === b[i]) {
        a[i] = 0;
        b[i] = 0;
      }
    }
  });
  return [c, g];
}

/** `build` on the CPU and on both variants; each variant must agree with the CPU. */
async function agree(what: string, build: () => Tensor[]): Promise<void> {
  const cpu = await outputs('cpu', build);
  for (const v of variants) {
    const [c, g] = finiteWhereEqual(cpu, await outputs(v.name, build));
    expectAgree(c!, g!, `${what} (${v.name})`);
  }
}

/** Indices compare exactly. */
async function agreeExactly(what: string, build: () => Tensor[]): Promise<void> {
  const cpu = await outputs('cpu', build);
  for (const v of variants) {
    const gpu = await outputs(v.name, build);
    expect(
      gpu.map((a) => [...a]),
      `${what} (${v.name})`,
    ).toEqual(cpu.map((a) => [...a]));
  }
}

describe('subgroup variants', () => {
  it('are used when the adapter has the feature, and only then', async () => {
    const { adapter, device, info } = await acquireDevice();
    const has = adapter.features.has('subgroups');
    device.destroy();
    const [off, on] = variants.map((v) => v.backend);
    expect(off!.subgroups).toBe(false);
    expect(on!.subgroups).toBe(has);
    // SwiftShader has subgroups: a silent fallback to the barrier trees must not pass here.
    if (/swiftshader/i.test(info.name)) expect(on!.subgroups).toBe(true);
    if (on!.subgroups) expect(on!.adapterInfo.subgroupMinSize).toBeGreaterThanOrEqual(1);

    // Which pipelines ran (by key), where the device can time kernels.
    for (const v of variants) {
      if (!v.backend.enableProfiling()) continue;
      await setBackend(v.name);
      await v.backend.kernelTimes(true);
      const ts = tidy(() => {
        const x = rn([4, 300], 1);
        return [
          sum(x, 1),
          max(x, 1),
          argmax(x, 1),
          softmax(x),
          ...ENGINE.runKernel(
            'BatchNormTrain',
            { x: rn([2, 3, 4, 4], 2), gamma: rn([3], 3), beta: rn([3], 4) },
            { eps: 1e-5 },
          ),
        ];
      });
      for (const t of ts) await t.data();
      for (const t of ts) t.dispose();
      const keys = (await v.backend.kernelTimes(false)).map((k) => k.key);
      const sub = keys.filter((k) => k.includes('subgroup'));
      if (v.backend.subgroups) {
        for (const k of ['reduce:sum', 'reduce:max', 'argmax:f32', 'rows:softmax', 'bn-stats'])
          expect(
            sub.some((s) => s.startsWith(k)),
            `${k} in ${keys.join(', ')}`,
          ).toBe(true);
      } else {
        expect(sub).toEqual([]);
      }
    }
  });

  it('can be turned off with IGCNET_GPU_SUBGROUPS=0; an explicit option wins', async () => {
    const before = process.env.IGCNET_GPU_SUBGROUPS;
    process.env.IGCNET_GPU_SUBGROUPS = '0';
    try {
      const envOff = await createWebGpuBackend();
      const forced = await createWebGpuBackend({ subgroups: true });
      expect(envOff.subgroups).toBe(false);
      expect(envOff.adapterInfo.features).not.toContain('subgroups');
      expect(forced.subgroups).toBe(variants[1]!.backend.subgroups);
      envOff.dispose();
      forced.dispose();
    } finally {
      if (before === undefined) delete process.env.IGCNET_GPU_SUBGROUPS;
      else process.env.IGCNET_GPU_SUBGROUPS = before;
    }
  });

  it('the GEMM dot kernel (an output of ≤ 64 values, K ≥ 1024) sums with either variant', async () => {
    for (const k of [1024, 1999]) {
      await agree(`matmul [4×${k}]·[${k}×8]`, () => [
        matmul(rn([k, 4], k), rn([k, 8], k + 1), { transposeA: true }),
      ]);
    }
    for (const v of variants) {
      if (!v.backend.enableProfiling()) continue;
      await setBackend(v.name);
      await v.backend.kernelTimes(true);
      const t = tidy(() => matmul(rn([1024, 4], 5), rn([1024, 8], 6), { transposeA: true }));
      await t.data();
      t.dispose();
      const keys = (await v.backend.kernelTimes(false)).map((k) => k.key);
      const dot = keys.filter((k) => k.startsWith('gemm-dot:'));
      expect(dot, keys.join(', ')).toHaveLength(1);
      expect(dot[0]!.endsWith(':subgroup')).toBe(v.backend.subgroups);
    }
  });

  it('Sum and Max over lengths around the subgroup and workgroup sizes', async () => {
    for (const n of LENGTHS) {
      await agree(`sum/max rows of ${n}`, () => {
        const x = rn([3, n], n);
        const xt = rn([n, 5], n + 1);
        const xi = ints([3, n], n + 2, -50, 50);
        return [sum(x, 1), max(x, 1), sum(xt, 0), max(xt, 0), sum(xi, 1), max(xi, 1)];
      });
    }
    await agree('sum and max over two axes', () => {
      const x = rn([3, 37, 11], 5);
      return [sum(x, [0, 2]), max(x, [0, 2])];
    });
  });

  it('Max with −∞, large negatives and NaN', async () => {
    const n = 257;
    const rows = [
      new Array<number>(n).fill(Number.NEGATIVE_INFINITY),
      Array.from({ length: n }, (_, i) => -3e38 + i * 1e30),
      Array.from({ length: n }, (_, i) => (i === 200 ? -1e30 : Number.NEGATIVE_INFINITY)),
      Array.from({ length: n }, (_, i) => (i === 100 ? Number.NaN : -i)),
      Array.from({ length: n }, (_, i) => (i === 256 ? Number.POSITIVE_INFINITY : i)),
    ];
    await agree('max special', () => [max(f32(rows.flat(), [rows.length, n]), 1)]);
    await agree('max of −∞ over 1000', () => [
      max(f32(new Array<number>(1000).fill(Number.NEGATIVE_INFINITY), [1, 1000]), 1),
    ]);
  });

  it('ArgMax keeps the first maximum', async () => {
    for (const n of LENGTHS) {
      await agreeExactly(`argmax rows of ${n}`, () => {
        const x = rn([3, n], n);
        const tied = f32(new Array<number>(2 * n).fill(0.5), [2, n]);
        // The maximum at a few places, the first of them late in a lane's share.
        const marks = [n - 1, Math.floor(n / 2), Math.floor(n / 3) + 1];
        const repeated = f32(
          Array.from({ length: n }, (_, i) => (marks.includes(i) ? 7 : i % 5)),
          [1, n],
        );
        const zeros = f32(
          Array.from({ length: n }, (_, i) => (i % 2 ? 0 : -0)),
          [1, n],
        );
        return [
          argmax(x, 1),
          argmax(tied, 1),
          argmax(repeated, 1),
          argmax(zeros, 1),
          argmax(ints([2, n], n + 3, -3, 3), 1),
        ];
      });
    }
    const n = 300;
    await agreeExactly('argmax special', () => {
      const rows = [
        new Array<number>(n).fill(Number.NEGATIVE_INFINITY),
        Array.from({ length: n }, (_, i) => (i === 0 ? Number.NaN : i % 7)),
        Array.from({ length: n }, (_, i) => (i % 3 ? Number.NaN : -1e30)),
        Array.from({ length: n }, (_, i) => (i === 150 ? -3e38 : Number.NEGATIVE_INFINITY)),
      ];
      const intMin = tensor(new Int32Array(n).fill(-2147483648), [1, n]);
      return [
        argmax(f32(rows.flat(), [rows.length, n]), 1),
        argmax(intMin, 1),
        argmax(rn([2, 100, 3], 9), 1),
        argmax(rn([70, 4], 10), 0),
      ];
    });
  });

  it('BatchNormTrain and its gradient, from N·H·W = 2 to large counts', async () => {
    const shapes = [
      [2, 3],
      [1, 4, 1, 2],
      [2, 5, 3, 3],
      [3, 3, 17, 11],
      [8, 2, 32, 32],
    ];
    for (const [k, shape] of shapes.entries()) {
      await agree(`batch norm ${shape.join('×')}`, () => {
        const c = shape[1]!;
        const x = rn(shape, 10 + k);
        const gamma = rn([c], 20 + k);
        const beta = rn([c], 30 + k);
        const [y, mean, variance] = ENGINE.runKernel(
          'BatchNormTrain',
          { x, gamma, beta },
          { eps: 1e-5 },
        );
        const grads = ENGINE.runKernel(
          'BatchNormTrainGrad',
          { dy: rn(shape, 40 + k), x, gamma, mean: mean!, variance: variance! },
          { eps: 1e-5 },
        );
        return [y!, mean!, variance!, ...grads];
      });
    }
  });

  it('Softmax, LogSoftmax and cross-entropy over rows of odd and long lengths', async () => {
    for (const n of LENGTHS) {
      await agree(`rows of ${n}`, () => {
        const x = rn([3, n], n);
        const labels = ints([3], n + 1, 0, n);
        return [softmax(x), logSoftmax(x), softmaxCrossEntropy(x, labels, 'none')];
      });
    }
    const n = 33;
    await agree('rows with −∞ and large values', () => {
      const rows = [
        Array.from({ length: n }, (_, i) => (i % 4 ? Number.NEGATIVE_INFINITY : i)),
        Array.from({ length: n }, (_, i) => -3e38 + i * 1e36),
        Array.from({ length: n }, (_, i) => 80 + i),
      ];
      const x = f32(rows.flat(), [rows.length, n]);
      return [softmax(x), logSoftmax(x)];
    });
  });
});
