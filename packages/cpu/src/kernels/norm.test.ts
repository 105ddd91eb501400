import { ENGINE, type Tensor } from '@igcnet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { setCpuKernelOptions } from '../options.js';
import { loadWasmKernels } from '../wasm/module.js';

type Impl = 'wasm' | 'ts';
const EPS = 1e-5;

/** Deterministic pseudo-random values (mulberry32), mean mu and spread sd. */
function values(len: number, seed: number, mu = 0, sd = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = mu + sd * (((t ^ (t >>> 14)) >>> 0) / 2 ** 32 - 0.5) * 3.4;
  }
  return out;
}

function dimsOf(shape: readonly number[]): [number, number, number] {
  return [shape[0]!, shape[1]!, shape.length === 4 ? shape[2]! * shape[3]! : 1];
}

const t = (v: Float32Array, shape: number[]) => ENGINE.fromValues(v.slice(), shape, 'float32');
const read = (outs: readonly Tensor[]) => outs.map((o) => o.dataSync() as Float32Array);

function train(
  impl: Impl,
  x: Float32Array,
  shape: number[],
  gamma: Float32Array,
  beta: Float32Array,
) {
  setCpuKernelOptions({ impl });
  const c = [shape[1]!];
  const inputs = { x: t(x, shape), gamma: t(gamma, c), beta: t(beta, c) };
  return read(ENGINE.runKernel('BatchNormTrain', inputs, { eps: EPS }));
}

/** BatchNormTrainGrad of dy and x, with the saved statistics `stats` ([gamma, mean, variance]). */
function grad(
  impl: Impl,
  dy: Float32Array,
  x: Float32Array,
  shape: number[],
  stats: Float32Array[],
) {
  setCpuKernelOptions({ impl });
  const c = [shape[1]!];
  const [gamma, mean, variance] = stats.map((v) => t(v, c));
  const inputs = {
    dy: t(dy, shape),
    x: t(x, shape),
    gamma: gamma!,
    mean: mean!,
    variance: variance!,
  };
  return read(ENGINE.runKernel('BatchNormTrainGrad', inputs, { eps: EPS }));
}

/** Two-pass float64 reference of both kernels. */
function reference(
  x: Float32Array,
  dy: Float32Array,
  shape: number[],
  gamma: Float32Array,
  beta: Float32Array,
) {
  const [n, c, plane] = dimsOf(shape);
  const count = n * plane;
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  const each = (ch: number, f: (i: number) => void) => {
    for (let b = 0; b < n; b++) for (let i = 0; i < plane; i++) f((b * c + ch) * plane + i);
  };
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    each(ch, (i) => {
      s += x[i]!;
    });
    const m = s / count;
    let q = 0;
    each(ch, (i) => {
      q += (x[i]! - m) ** 2;
    });
    const v = q / count;
    const inv = 1 / Math.sqrt(v + EPS);
    mean[ch] = m;
    variance[ch] = v;
    let sdy = 0;
    let sdyx = 0;
    each(ch, (i) => {
      y[i] = gamma[ch]! * (x[i]! - m) * inv + beta[ch]!;
      sdy += dy[i]!;
      sdyx += dy[i]! * (x[i]! - m) * inv;
    });
    dgamma[ch] = sdyx;
    dbeta[ch] = sdy;
    each(ch, (i) => {
      const xhat = (x[i]! - m) * inv;
      dx[i] = gamma[ch]! * inv * (dy[i]! - sdy / count - (xhat * sdyx) / count);
    });
  }
  return { y, mean, variance, dx, dgamma, dbeta };
}

function expectClose(got: Float32Array, want: Float64Array, tol: number): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

const hasWasm = loadWasmKernels() !== null;
const impls: Impl[] = hasWasm ? ['wasm', 'ts'] : ['ts'];

describe('BatchNormTrain and BatchNormTrainGrad on the CPU', () => {
  afterEach(() => setCpuKernelOptions({ impl: 'auto' }));

  const shapes = [
    [5, 3], // rank 2: plane 1
    [4, 2, 1, 1], // plane 1
    [3, 1, 5, 7], // one channel, plane not a multiple of 4
    [2, 4], // N·plane = 2
    [1, 3, 1, 2], // N·plane = 2
    [3, 5, 3, 3],
    [2, 4, 6, 6],
    [8, 6, 7, 7],
  ];
  for (const impl of impls) {
    for (const shape of shapes) {
      it(`${impl}: ${shape.join('×')} matches a float64 reference`, () => {
        const [n, c, plane] = dimsOf(shape);
        const x = values(n * c * plane, 1, 0.5, 2);
        const dy = values(x.length, 2);
        const gamma = values(c, 3, 1, 0.5);
        const beta = values(c, 4);
        const ref = reference(x, dy, shape, gamma, beta);
        const [y, mean, variance] = train(impl, x, shape, gamma, beta);
        expectClose(y!, ref.y, 2e-5);
        expectClose(mean!, ref.mean, 1e-6);
        expectClose(variance!, ref.variance, 1e-5);
        const [dx, dgamma, dbeta] = grad(impl, dy, x, shape, [gamma, mean!, variance!]);
        expectClose(dx!, ref.dx, 2e-5);
        expectClose(dgamma!, ref.dgamma, 1e-4);
        expectClose(dbeta!, ref.dbeta, 1e-4);
      });
    }
  }

  it.skipIf(!hasWasm)('wasm: the same bits on every run', () => {
    const shape = [16, 8, 9, 9];
    const x = values(16 * 8 * 81, 5, 1, 3);
    const g = values(8, 6, 1, 0.2);
    const b = values(8, 7);
    const first = train('wasm', x, shape, g, b);
    for (let r = 0; r < 3; r++) expect(train('wasm', x, shape, g, b)).toEqual(first);
  });

  it.skipIf(!hasWasm)('wasm: keeps the variance of values with a large mean', () => {
    const shape = [64, 2, 32, 32];
    const x = values(64 * 2 * 1024, 8, 1000, 1);
    const g = Float32Array.of(1, 2);
    const b = Float32Array.of(0, 0.5);
    const ref = reference(x, new Float32Array(x.length), shape, g, b);
    const [y, mean, variance] = train('wasm', x, shape, g, b);
    for (let ch = 0; ch < 2; ch++) {
      expect(Math.abs(variance![ch]! / ref.variance[ch]! - 1)).toBeLessThan(1e-6);
      expect(Math.abs(mean![ch]! - ref.mean[ch]!)).toBeLessThan(1e-4);
    }
    expectClose(y!, ref.y, 2e-4);
  });

  it.skipIf(!hasWasm)('wasm: NaN and ±∞ inputs give what the TypeScript kernel gives', () => {
    const shape = [3, 6, 2, 3];
    const x = values(3 * 6 * 6, 9);
    const at = (b: number, ch: number, i: number) => (b * 6 + ch) * 6 + i;
    x[at(1, 0, 2)] = Number.NaN;
    x[at(2, 1, 5)] = Number.POSITIVE_INFINITY;
    x[at(0, 2, 0)] = Number.POSITIVE_INFINITY; // the channel's first value
    x[at(1, 3, 1)] = Number.NEGATIVE_INFINITY;
    x[at(2, 3, 4)] = Number.POSITIVE_INFINITY;
    x[at(0, 4, 0)] = Number.NaN;
    const g = values(6, 10, 1, 0.2);
    const b = values(6, 11);
    const dy = values(x.length, 12);
    dy[at(1, 5, 3)] = Number.NaN;
    const pattern = (a: Float32Array) =>
      Array.from(a, (v) => (Number.isFinite(v) ? 'f' : String(v)));
    const wasm = train('wasm', x, shape, g, b);
    const ts = train('ts', x, shape, g, b);
    for (let k = 0; k < 3; k++) expect(pattern(wasm[k]!)).toEqual(pattern(ts[k]!));
    const gradOf = (impl: Impl) => grad(impl, dy, x, shape, [g, ts[1]!, ts[2]!]);
    const gw = gradOf('wasm');
    const gt = gradOf('ts');
    for (let k = 0; k < 3; k++) expect(pattern(gw[k]!)).toEqual(pattern(gt[k]!));
  });
});

describe('BatchNormReluTrain and BatchNormReluTrainGrad on the CPU', () => {
  afterEach(() => setCpuKernelOptions({ impl: 'auto' }));

  /** The fused kernels' outputs, and the unfused kernels' on the same inputs. */
  function both(impl: Impl, shape: number[], seed: number) {
    setCpuKernelOptions({ impl });
    const [n, c, plane] = dimsOf(shape);
    const x = t(values(n * c * plane, seed, 0.5, 2), shape);
    const gamma = t(values(c, seed + 1, 1, 0.5), [c]);
    const beta = t(values(c, seed + 2, 0, 0.3), [c]);
    const dy = t(values(n * c * plane, seed + 3), shape);
    const fused = ENGINE.runKernel('BatchNormReluTrain', { x, gamma, beta }, { eps: EPS });
    const [z, mean, variance] = ENGINE.runKernel(
      'BatchNormTrain',
      { x, gamma, beta },
      { eps: EPS },
    );
    const y = fused[0]!;
    const stats = { x, gamma, mean: mean!, variance: variance! };
    const fusedGrad = ENGINE.runKernel('BatchNormReluTrainGrad', { dy, y, ...stats }, { eps: EPS });
    const masked = ENGINE.runKernel(
      'Mul',
      { a: dy, b: ENGINE.runKernel('Step', { x: y }, {})[0]! },
      {},
    );
    const grad = ENGINE.runKernel('BatchNormTrainGrad', { dy: masked[0]!, ...stats }, { eps: EPS });
    const relu = ENGINE.runKernel('Relu', { x: z! }, {});
    return {
      fused: read([...fused, ...fusedGrad]),
      composed: read([relu[0]!, mean!, variance!, ...grad]),
    };
  }

  for (const impl of impls) {
    for (const shape of [
      [5, 3],
      [3, 1, 5, 7],
      [1, 3, 1, 2],
      [8, 6, 7, 7],
    ]) {
      it(`${impl}: ${shape.join('×')} gives the bits of BatchNormTrain → Relu, and of Step · Mul → BatchNormTrainGrad`, () => {
        const { fused, composed } = both(impl, shape, 20);
        const clamped = fused[0]!.filter((v) => v === 0).length;
        expect(clamped).toBeGreaterThan(0);
        expect(clamped).toBeLessThan(fused[0]!.length);
        for (let k = 0; k < 6; k++) expect(fused[k], `output ${k}`).toEqual(composed[k]);
      });
    }
  }

  it.skipIf(!hasWasm)('wasm and TypeScript agree to rounding', () => {
    const wasm = both('wasm', [4, 5, 6, 6], 30).fused;
    const ts = both('ts', [4, 5, 6, 6], 30).fused;
    for (let k = 0; k < 6; k++) {
      const tol = k >= 4 ? 1e-4 : 2e-5;
      expectClose(wasm[k]!, Float64Array.from(ts[k]!), tol);
    }
  });

  for (const impl of impls) {
    it(`${impl}: an infinite or NaN dy where y ≤ 0 does not reach dx`, () => {
      setCpuKernelOptions({ impl });
      const shape = [2, 2, 2, 3];
      const x = t(values(24, 40), shape);
      const gamma = t(Float32Array.of(1, 1), [2]);
      const beta = t(Float32Array.of(0, 0), [2]);
      const [y, mean, variance] = ENGINE.runKernel(
        'BatchNormReluTrain',
        { x, gamma, beta },
        { eps: EPS },
      );
      const yv = y!.dataSync() as Float32Array;
      const dyv = values(24, 41);
      const zeros = [...yv.keys()].filter((i) => yv[i] === 0);
      dyv[zeros[0]!] = Number.POSITIVE_INFINITY;
      dyv[zeros[1]!] = Number.NaN;
      const outs = read(
        ENGINE.runKernel(
          'BatchNormReluTrainGrad',
          { dy: t(dyv, shape), y: y!, x, gamma, mean: mean!, variance: variance! },
          { eps: EPS },
        ),
      );
      for (const o of outs) expect(o.every(Number.isFinite)).toBe(true);
    });
  }
});
