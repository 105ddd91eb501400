// FusedConv2D on every conv path: on the wasm kernels the batch norm folds into the weights and
// bias and the ReLU runs inside the conv kernels (in registers on the pointwise kernels, per item
// elsewhere). Checked against the naive reference conv → out-shuffle → BN → ReLU in float64, on
// shapes that reach each path and its edges: pointwise planes copied into panels (32×32) and
// partial tiles (7×7, 5 channels per group) with IGC interleaves, the small-group kernels
// (groups of 1–4 and 8 channels, 8 → 16 at stride 2, batch 1), Winograd, the implicit GEMM (the
// stem's 3 input channels) and im2col.
import { fusedConv2d, tensor } from '@igcnet/tensor';
import { type Conv2DGeometry, convOutSize } from '@igcnet/tensor/backend';
import { describe, expect, it } from 'vitest';
import { shufflePlanes } from '../kernels/layout.js';
import { conv2dForward } from './conv2d.js';
import { conv2dForwardNaive } from './reference.js';
import { MODES, randomFloats, relError, withMode } from './testing-util.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  cout: number;
  k: number;
  stride: number;
  pad: number;
  groups: number;
  inShuffle?: number;
  outShuffle?: number;
}

const CASES: Case[] = [
  {
    name: 'IGC secondary 32×32',
    x: [2, 12, 32, 32],
    cout: 12,
    k: 1,
    stride: 1,
    pad: 0,
    groups: 2,
    inShuffle: 6,
    outShuffle: 2,
  },
  {
    name: 'pointwise partial tiles',
    x: [2, 15, 7, 7],
    cout: 15,
    k: 1,
    stride: 1,
    pad: 0,
    groups: 3,
    inShuffle: 5,
    outShuffle: 3,
  },
  { name: 'groups of 2, batch 1', x: [1, 8, 9, 11], cout: 8, k: 3, stride: 1, pad: 1, groups: 4 },
  {
    name: 'groups of 1 → 2, stride 2',
    x: [2, 6, 9, 10],
    cout: 12,
    k: 3,
    stride: 2,
    pad: 1,
    groups: 6,
  },
  { name: 'groups of 3', x: [2, 9, 6, 7], cout: 9, k: 3, stride: 1, pad: 1, groups: 3 },
  // 8 → 16 channels per group at stride 2: the small-group kernels forward, GEMM elsewhere.
  {
    name: 'groups of 8 → 16, stride 2',
    x: [2, 16, 9, 10],
    cout: 32,
    k: 3,
    stride: 2,
    pad: 1,
    groups: 2,
  },
  { name: 'groups of 8, Winograd', x: [2, 16, 8, 8], cout: 16, k: 3, stride: 1, pad: 1, groups: 2 },
  { name: 'stem, 3 channels in', x: [2, 3, 10, 9], cout: 10, k: 3, stride: 1, pad: 1, groups: 1 },
  {
    name: 'out shuffle on a 3×3 conv',
    x: [2, 8, 5, 6],
    cout: 8,
    k: 3,
    stride: 1,
    pad: 1,
    groups: 4,
    outShuffle: 4,
  },
];

function geometry(c: Case): Conv2DGeometry {
  const [n, cin, h, w] = c.x;
  return {
    n,
    cin,
    h,
    w,
    cout: c.cout,
    kh: c.k,
    kw: c.k,
    outH: convOutSize(h, c.k, c.stride, c.pad, c.pad, 1),
    outW: convOutSize(w, c.k, c.stride, c.pad, c.pad, 1),
    strideH: c.stride,
    strideW: c.stride,
    padTop: c.pad,
    padLeft: c.pad,
    dilationH: 1,
    dilationW: 1,
    groups: c.groups,
  };
}

function shuffle(v: Float32Array, n: number, c: number, groups: number, plane: number) {
  if (groups === 1) return v;
  const o = new Float32Array(v.length);
  const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);
  shufflePlanes(bits(v), bits(o), n, c, groups, plane);
  return o;
}

/** relu(bn(S_out(conv(S_in(x)) + bias))) with the BN in float64. */
function reference(
  c: Case,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  bn: Float32Array[],
  eps: number,
): Float32Array {
  const s = geometry(c);
  const plane = s.outH * s.outW;
  const z = new Float32Array(s.n * s.cout * plane);
  conv2dForwardNaive(s, shuffle(x, s.n, s.cin, c.inShuffle ?? 1, s.h * s.w), w, bias, z);
  const y = shuffle(z, s.n, s.cout, c.outShuffle ?? 1, plane);
  const [g, b, m, v] = bn as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < y.length; i++) {
    const ch = Math.floor(i / plane) % s.cout;
    y[i] = Math.max(0, ((y[i]! - m[ch]!) * g[ch]!) / Math.sqrt(v[ch]! + eps) + b[ch]!);
  }
  return y;
}

describe('FusedConv2D: BN folded into the conv, ReLU in its kernels', () => {
  for (const mode of MODES) {
    it(`matches conv → shuffle → BN → ReLU on every path (${mode.name})`, () => {
      withMode(mode, () => {
        CASES.forEach((c, i) => {
          const s = geometry(c);
          const x = randomFloats(
            c.x.reduce((a, b) => a * b, 1),
            100 + i,
          );
          const w = randomFloats((s.cout * s.cin * s.kh * s.kw) / s.groups, 200 + i);
          const bias = randomFloats(s.cout, 300 + i);
          const bn = [0, 1, 2, 3].map((j) => randomFloats(s.cout, 400 + 10 * i + j));
          bn[3] = bn[3]!.map((v) => 0.5 + Math.abs(v)); // variances
          const eps = 1e-5;
          const y = fusedConv2d(tensor(x, c.x), tensor(w, [s.cout, s.cin / s.groups, s.kh, s.kw]), {
            stride: c.stride,
            padding: c.pad,
            groups: c.groups,
            ...(c.inShuffle ? { inShuffle: c.inShuffle } : {}),
            ...(c.outShuffle ? { outShuffle: c.outShuffle } : {}),
            bias: tensor(bias),
            bn: {
              gamma: tensor(bn[0]!),
              beta: tensor(bn[1]!),
              mean: tensor(bn[2]!),
              variance: tensor(bn[3]!),
              eps,
            },
            relu: true,
          });
          const got = y.dataSync() as Float32Array;
          const want = reference(c, x, w, bias, bn, eps);
          expect(relError(got, want), `${c.name}`).toBeLessThan(1e-5);
          // The ReLU clamps at exactly zero and never lets a negative value through.
          expect(got.some((v) => v === 0)).toBe(true);
          expect(got.every((v) => !(v < 0))).toBe(true);
          y.dispose();
        });
      });
    });
  }

  it('conv2dForward with relu keeps NaN and clamps at zero on every path', () => {
    const c = CASES[0]!;
    const s = geometry(c);
    const x = randomFloats(
      c.x.reduce((a, b) => a * b, 1),
      7,
    );
    x[5] = Number.NaN;
    const w = randomFloats((s.cout * s.cin) / s.groups, 8);
    for (const mode of MODES) {
      withMode(mode, () => {
        const y = new Float32Array(s.n * s.cout * s.outH * s.outW);
        conv2dForward(s, x, w, undefined, y, undefined, true);
        expect(y.some(Number.isNaN), mode.name).toBe(true);
        expect(
          y.every((v) => !(v < 0)),
          mode.name,
        ).toBe(true);
        expect(
          y.some((v) => v === 0),
          mode.name,
        ).toBe(true);
      });
    }
  });
});
