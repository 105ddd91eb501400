import { type Conv2DGeometry, convOutSize } from '@igcnet/tensor/backend';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from '../conv/conv2d.js';
import { sgemm } from '../conv/matmul.js';
import { randomFloats, withMode } from '../conv/testing-util.js';
import { poolTakenBack, poolThreads, setKernelJitter } from './exec.js';
import { loadWasmKernels } from './module.js';
import { wasmBatchNormTrain, wasmBatchNormTrainGrad } from './norm.js';

// Training must repeat bit for bit (resuming a checkpoint depends on it), and one run of the main
// job on a busy machine once came out different. Every threaded kernel is run here under random
// sleeps before each thread's job, so that the threads claim the work in a different order on
// every run (a helper that has not woken by the end of the caller's own job has its job taken
// back), and on 1 to 3 threads: the bytes must never change.

function geometry(
  n: number,
  cin: number,
  hw: number,
  cout: number,
  k: number,
  stride: number,
  groups: number,
): Conv2DGeometry {
  const pad = k >> 1;
  const out = convOutSize(hw, k, stride, pad, pad, 1);
  return {
    n,
    cin,
    h: hw,
    w: hw,
    cout,
    kh: k,
    kw: k,
    outH: out,
    outW: out,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padLeft: pad,
    dilationH: 1,
    dilationW: 1,
    groups,
  };
}

/**
 * Every path that threads split: implicit GEMM, Winograd (forward and filter gradient), im2col
 * (stride 2), pointwise 1×1, small groups.
 */
const SHAPES: [string, Conv2DGeometry][] = [
  ['3×3 implicit GEMM', geometry(6, 16, 9, 24, 3, 1, 1)],
  ['3×3 Winograd', geometry(6, 16, 8, 16, 3, 1, 1)],
  ['3×3 Winograd filter gradient, 3 groups of 8, 18 items', geometry(6, 24, 8, 24, 3, 1, 3)],
  ['3×3 stride 2 (im2col)', geometry(6, 12, 11, 20, 3, 2, 1)],
  ['1×1 pointwise, 4 groups', geometry(6, 16, 7, 16, 1, 1, 4)],
  ['3×3 small groups of 2', geometry(6, 12, 9, 12, 3, 1, 6)],
];

/** The conv's three results as one byte string per kernel. */
function convBytes(s: Conv2DGeometry): string[] {
  const x = randomFloats(s.n * s.cin * s.h * s.w, 1);
  const w = randomFloats(s.cout * (s.cin / s.groups) * s.kh * s.kw, 2);
  const dy = randomFloats(s.n * s.cout * s.outH * s.outW, 3);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  conv2dForward(s, x, w, undefined, y);
  conv2dBackpropInput(s, dy, w, dx);
  conv2dBackpropFilter(s, x, dy, dw);
  return [y, dx, dw].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));
}

/** Training batch norm, plain and fused with ReLU, forward and gradient, as byte strings. */
function normBytes(): string[] {
  const dims = [6, 12, 81] as const;
  const len = dims[0] * dims[1] * dims[2];
  const [x, dy] = [randomFloats(len, 7), randomFloats(len, 8)];
  const [gamma, beta] = [randomFloats(12, 9), randomFloats(12, 10)];
  const k = loadWasmKernels()!;
  const out: Float32Array[] = [];
  for (const relu of [false, true]) {
    const o = {
      y: new Float32Array(len),
      mean: new Float32Array(12),
      variance: new Float32Array(12),
    };
    wasmBatchNormTrain(k, dims, 1e-5, { x, gamma, beta }, o, relu);
    const g = {
      dx: new Float32Array(len),
      dgamma: new Float32Array(12),
      dbeta: new Float32Array(12),
    };
    const inputs = {
      dy,
      x,
      gamma,
      mean: o.mean,
      variance: o.variance,
      ...(relu ? { y: o.y } : {}),
    };
    wasmBatchNormTrainGrad(k, dims, 1e-5, inputs, g);
    out.push(o.y, o.mean, o.variance, g.dx, g.dgamma, g.dbeta);
  }
  return out.map((a) => Buffer.from(a.buffer).toString('hex'));
}

function gemmBytes(): string {
  const [m, n, k] = [37, 203, 300];
  const c = new Float32Array(m * n);
  const a = randomFloats(m * k, 4);
  const b = randomFloats(k * n, 5);
  sgemm({
    m,
    n,
    k,
    a,
    aOffset: 0,
    lda: k,
    transA: false,
    b,
    bOffset: 0,
    ldb: n,
    transB: false,
    c,
    cOffset: 0,
    ldc: n,
    accumulate: false,
  });
  return Buffer.from(c.buffer).toString('hex');
}

describe('threaded kernels', () => {
  afterEach(() => setKernelJitter(0));

  it.skipIf(!loadWasmKernels())(
    'give the same bytes on 1–3 threads under random scheduling delays',
    () => {
      const reference = withThreads(1, () => SHAPES.map(([, s]) => convBytes(s)));
      const referenceGemm = withThreads(1, gemmBytes);
      const referenceNorm = withThreads(1, normBytes);
      setKernelJitter(400);
      const takenBack = poolTakenBack();
      for (const threads of [2, 3]) {
        for (let run = 0; run < 6; run++) {
          withThreads(threads, () => {
            SHAPES.forEach(([name, s], i) => {
              const [y, dx, dw] = convBytes(s);
              const [ry, rdx, rdw] = reference[i]!;
              expect(y === ry, `${name}: forward, ${threads} threads, run ${run}`).toBe(true);
              expect(dx === rdx, `${name}: input gradient, ${threads} threads`).toBe(true);
              expect(dw === rdw, `${name}: filter gradient, ${threads} threads`).toBe(true);
            });
            expect(gemmBytes() === referenceGemm, `sgemm, ${threads} threads`).toBe(true);
            expect(normBytes(), `batch norm, ${threads} threads`).toEqual(referenceNorm);
            expect(poolThreads()).toBeGreaterThanOrEqual(threads);
          });
        }
      }
      // Some helpers slept past the caller's own job, and had theirs taken back.
      expect(poolTakenBack()).toBeGreaterThan(takenBack);
    },
    120_000,
  );
});

function withThreads<T>(threads: number, f: () => T): T {
  let r: T | undefined;
  withMode({ impl: 'wasm', threads, parallelThreshold: 0 }, () => {
    r = f();
  });
  return r!;
}
