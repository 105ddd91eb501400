import { type Conv2DGeometry, convOutSize } from '@igcnet/tensor/backend';
import { describe, expect, it } from 'vitest';
import { poolThreads } from '../wasm/exec.js';
import { loadWasmKernels } from '../wasm/module.js';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from './conv2d.js';
import {
  conv2dBackpropFilterNaive,
  conv2dBackpropInputNaive,
  conv2dForwardNaive,
} from './reference.js';
import { MODES, randomFloats, relError, withMode } from './testing-util.js';

interface Case {
  name: string;
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  k: [number, number];
  stride?: [number, number];
  /** top, left, bottom, right */
  pad?: [number, number, number, number];
  dilation?: [number, number];
  groups?: number;
}

function shapeOf(c: Case): Conv2DGeometry {
  const [kh, kw] = c.k;
  const [sh, sw] = c.stride ?? [1, 1];
  const [pt, pl, pb, pr] = c.pad ?? [0, 0, 0, 0];
  const [dh, dw] = c.dilation ?? [1, 1];
  return {
    n: c.n,
    cin: c.cin,
    h: c.h,
    w: c.w,
    cout: c.cout,
    kh,
    kw,
    outH: convOutSize(c.h, kh, sh, pt, pb, dh),
    outW: convOutSize(c.w, kw, sw, pl, pr, dw),
    strideH: sh,
    strideW: sw,
    padTop: pt,
    padLeft: pl,
    dilationH: dh,
    dilationW: dw,
    groups: c.groups ?? 1,
  };
}

const CASES: Case[] = [
  { name: '1×1 image, pointwise', n: 1, cin: 3, h: 1, w: 1, cout: 5, k: [1, 1] },
  { name: '1×1 image, 3×3 pad 1', n: 2, cin: 2, h: 1, w: 1, cout: 3, k: [3, 3], pad: [1, 1, 1, 1] },
  { name: '1 channel, batch 3', n: 3, cin: 1, h: 7, w: 5, cout: 1, k: [3, 3], pad: [1, 1, 1, 1] },
  {
    name: 'prime channels 7→13, stride 2',
    n: 3,
    cin: 7,
    h: 9,
    w: 11,
    cout: 13,
    k: [3, 3],
    stride: [2, 2],
    pad: [1, 1, 1, 1],
  },
  {
    name: 'dilation 2',
    n: 2,
    cin: 4,
    h: 10,
    w: 9,
    cout: 6,
    k: [3, 3],
    pad: [2, 2, 2, 2],
    dilation: [2, 2],
  },
  {
    name: 'groups = channels (13)',
    n: 2,
    cin: 13,
    h: 6,
    w: 7,
    cout: 13,
    k: [3, 3],
    pad: [1, 1, 1, 1],
    groups: 13,
  },
  {
    name: 'depthwise ×2',
    n: 1,
    cin: 4,
    h: 5,
    w: 5,
    cout: 8,
    k: [3, 3],
    pad: [1, 1, 1, 1],
    groups: 4,
  },
  { name: '1×3 kernel', n: 2, cin: 5, h: 6, w: 8, cout: 7, k: [1, 3], pad: [0, 1, 0, 1] },
  { name: '3×1 kernel', n: 2, cin: 5, h: 8, w: 6, cout: 7, k: [3, 1], pad: [1, 0, 1, 0] },
  {
    name: '5×5 stride 2',
    n: 1,
    cin: 3,
    h: 11,
    w: 12,
    cout: 9,
    k: [5, 5],
    stride: [2, 2],
    pad: [2, 2, 2, 2],
  },
  { name: 'asymmetric padding', n: 2, cin: 3, h: 7, w: 6, cout: 5, k: [3, 3], pad: [0, 1, 2, 0] },
  {
    name: 'pad larger than kernel',
    n: 1,
    cin: 2,
    h: 4,
    w: 5,
    cout: 3,
    k: [3, 3],
    pad: [3, 2, 3, 2],
  },
  {
    name: 'small pointwise groups (direct)',
    n: 3,
    cin: 16,
    h: 6,
    w: 5,
    cout: 16,
    k: [1, 1],
    groups: 4,
  },
  { name: 'pointwise GEMM, odd sizes', n: 2, cin: 20, h: 5, w: 7, cout: 42, k: [1, 1] },
  { name: '1×1 stride 2', n: 2, cin: 6, h: 7, w: 7, cout: 10, k: [1, 1], stride: [2, 2] },
  {
    name: 'IGC-like 3×3, 4 groups',
    n: 2,
    cin: 16,
    h: 8,
    w: 8,
    cout: 16,
    k: [3, 3],
    pad: [1, 1, 1, 1],
    groups: 4,
  },
  {
    name: 'stride 2, dilation 2, groups 2',
    n: 3,
    cin: 6,
    h: 13,
    w: 10,
    cout: 4,
    k: [3, 3],
    stride: [2, 2],
    pad: [1, 2, 0, 1],
    dilation: [2, 2],
    groups: 2,
  },
  // Winograd F(2×2, 3×3): outputs of whole 2×8 blocks, ≥ 8 channels per group (policy.ts).
  {
    name: 'Winograd 16→24, pad 1',
    n: 2,
    cin: 16,
    h: 6,
    w: 16,
    cout: 24,
    k: [3, 3],
    pad: [1, 1, 1, 1],
  },
  {
    name: 'Winograd unpadded, 2 groups of 12',
    n: 1,
    cin: 24,
    h: 10,
    w: 18,
    cout: 24,
    k: [3, 3],
    groups: 2,
  },
  {
    name: 'Winograd asymmetric pad',
    n: 2,
    cin: 8,
    h: 6,
    w: 17,
    cout: 8,
    k: [3, 3],
    pad: [0, 1, 2, 0],
  },
  // The filter gradient by Winograd also takes groups of 8 × 8 (policy.ts: useWinogradFilter).
  {
    name: 'Winograd filter gradient, 2 groups of 8, tile rows past one block',
    n: 1,
    cin: 16,
    h: 22,
    w: 16,
    cout: 16,
    k: [3, 3],
    pad: [1, 1, 1, 1],
    groups: 2,
  },
  {
    name: 'Winograd filter gradient, 5 groups of 4, 2 × 8 output',
    n: 3,
    cin: 20,
    h: 2,
    w: 8,
    cout: 20,
    k: [3, 3],
    pad: [1, 1, 1, 1],
    groups: 5,
  },
  {
    name: 'Winograd, 3 groups of 8 → 9, batch 5, bottom pad only',
    n: 5,
    cin: 24,
    h: 7,
    w: 10,
    cout: 27,
    k: [3, 3],
    pad: [0, 0, 1, 0],
    groups: 3,
  },
  // Strided input gradients up to 2048 channel pairs per group take the direct transposed conv.
  {
    name: 'stride 2, 2 groups of 8 → 16, odd size, asymmetric pad',
    n: 2,
    cin: 16,
    h: 9,
    w: 13,
    cout: 32,
    k: [3, 3],
    stride: [2, 2],
    pad: [1, 0, 1, 1],
    groups: 2,
  },
  {
    name: 'stride 2 dense 32 → 48 (1536 pairs), batch 1',
    n: 1,
    cin: 32,
    h: 8,
    w: 7,
    cout: 48,
    k: [3, 3],
    stride: [2, 2],
    pad: [1, 1, 1, 1],
  },
  {
    name: 'K past one block (288), M = 42',
    n: 3,
    cin: 32,
    h: 12,
    w: 11,
    cout: 42,
    k: [3, 3],
    pad: [1, 1, 1, 1],
  },
];

const TOL = 1e-4;

describe.each(MODES)('conv2d ($name)', (mode) => {
  it.skipIf(mode.impl === 'wasm' && !loadWasmKernels())('matches the naive reference', () => {
    withMode(mode, () => {
      CASES.forEach((c, ci) => {
        const s = shapeOf(c);
        const x = randomFloats(s.n * s.cin * s.h * s.w, 1 + ci);
        const w = randomFloats(s.cout * (s.cin / s.groups) * s.kh * s.kw, 100 + ci);
        const bias = ci % 2 === 0 ? randomFloats(s.cout, 200 + ci) : undefined;
        const dy = randomFloats(s.n * s.cout * s.outH * s.outW, 300 + ci);

        const y = new Float32Array(dy.length).fill(Number.NaN);
        const yRef = new Float32Array(dy.length);
        conv2dForward(s, x, w, bias, y);
        conv2dForwardNaive(s, x, w, bias, yRef);
        expect(relError(y, yRef), `${c.name}: forward`).toBeLessThan(TOL);

        const dx = new Float32Array(x.length).fill(Number.NaN);
        const dxRef = new Float32Array(x.length);
        conv2dBackpropInput(s, dy, w, dx);
        conv2dBackpropInputNaive(s, dy, w, dxRef);
        expect(relError(dx, dxRef), `${c.name}: backprop input`).toBeLessThan(TOL);

        const dw = new Float32Array(w.length).fill(Number.NaN);
        const dwRef = new Float32Array(w.length);
        conv2dBackpropFilter(s, x, dy, dw);
        conv2dBackpropFilterNaive(s, x, dy, dwRef);
        expect(relError(dw, dwRef), `${c.name}: backprop filter`).toBeLessThan(TOL);
      });
    });
    if ((mode.threads ?? 1) > 1) expect(poolThreads()).toBe(mode.threads);
  });
});

describe('wasm memory', () => {
  it.skipIf(!loadWasmKernels())('stops growing once the largest shape has been seen', () => {
    const k = loadWasmKernels()!;
    withMode(MODES[3]!, () => {
      const s = shapeOf(CASES[CASES.length - 1]!);
      const x = randomFloats(s.n * s.cin * s.h * s.w, 1);
      const w = randomFloats(s.cout * s.cin * s.kh * s.kw, 2);
      const y = new Float32Array(s.n * s.cout * s.outH * s.outW);
      conv2dForward(s, x, w, undefined, y);
      conv2dBackpropFilter(s, x, y, w);
      const bytes = k.memory.buffer.byteLength;
      for (let i = 0; i < 5; i++) {
        conv2dForward(s, x, w, undefined, y);
        conv2dBackpropFilter(s, x, y, w);
      }
      expect(k.memory.buffer.byteLength).toBe(bytes);
    });
  });
});
