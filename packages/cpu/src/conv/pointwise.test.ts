// The 1×1 kernels with channel tables (wasm/assembly/pointwise.as) against the naive reference
// on explicitly shuffled planes: group sizes that leave partial register tiles, planes whose size
// is not a multiple of the 8-float tile (the kernels read past a plane's end and must not store
// there), IGC interleaves on either side, bias, and 1 or 2 threads.
import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import { describe, expect, it } from 'vitest';
import { shufflePlanes } from '../kernels/layout.js';
import { loadWasmKernels } from '../wasm/module.js';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  foldsShuffles,
  type Shuffles,
} from './conv2d.js';
import {
  conv2dBackpropFilterNaive,
  conv2dBackpropInputNaive,
  conv2dForwardNaive,
} from './reference.js';
import { randomFloats, relError, withMode } from './testing-util.js';

interface Case {
  n: number;
  cin: number;
  cout: number;
  groups: number;
  hw: [number, number];
  sh: Shuffles;
}

const CASES: Case[] = [
  // IGC-L24M2's secondary conv, shrunk: 2 groups of 6 → 6, interleaves 6 and 2.
  { n: 3, cin: 12, cout: 12, groups: 2, hw: [4, 4], sh: { inShuffle: 6, outShuffle: 2 } },
  // Partial tiles everywhere: 5 output and 3 input channels per group, 7×7 planes.
  { n: 2, cin: 9, cout: 15, groups: 3, hw: [7, 7], sh: { inShuffle: 3, outShuffle: 5 } },
  // L4M8's shape: 4 × 4 groups; 14×14 planes (196 floats: 24 tiles and a half).
  { n: 2, cin: 32, cout: 32, groups: 8, hw: [14, 14], sh: { inShuffle: 4, outShuffle: 8 } },
  // No interleave, one group, one channel in, odd plane.
  { n: 2, cin: 1, cout: 6, groups: 1, hw: [3, 5], sh: { inShuffle: 1, outShuffle: 1 } },
  // L24M2's 24 × 24 groups on planes packed into panels: 130 floats (two blocks of 64 and 2),
  // and exactly one block of 64 with 8 × 12 groups.
  { n: 2, cin: 48, cout: 48, groups: 2, hw: [10, 13], sh: { inShuffle: 24, outShuffle: 2 } },
  { n: 1, cin: 16, cout: 24, groups: 2, hw: [8, 8], sh: { inShuffle: 8, outShuffle: 2 } },
  { n: 1, cin: 8, cout: 8, groups: 4, hw: [1, 1], sh: { inShuffle: 2, outShuffle: 1 } },
  // IGC-L24M2's 16×16 secondary: its interleave reads every 4th 1 KiB plane, 4 KiB apart, so
  // the rows share L1 sets and are copied into panels.
  { n: 2, cin: 96, cout: 96, groups: 4, hw: [16, 16], sh: { inShuffle: 24, outShuffle: 4 } },
  // Rows 12 KiB apart (32 planes of 96 floats), copied into panels in a whole and a partial
  // block of columns, 3 output channels per group.
  { n: 1, cin: 384, cout: 48, groups: 16, hw: [8, 12], sh: { inShuffle: 12, outShuffle: 16 } },
  // Deep groups split the columns into passes over the row panels (B_PASS_FLOATS / k columns):
  // k = 200 takes passes of 16 columns over 51: three whole ones and one of 3 columns;
  // k = 600 the narrowest pass, one tile of 8.
  { n: 1, cin: 200, cout: 13, groups: 1, hw: [3, 17], sh: { inShuffle: 1, outShuffle: 1 } },
  { n: 1, cin: 600, cout: 5, groups: 1, hw: [5, 5], sh: { inShuffle: 1, outShuffle: 1 } },
];

function geometry(c: Case): Conv2DGeometry {
  const [h, w] = c.hw;
  return {
    n: c.n,
    cin: c.cin,
    h,
    w,
    cout: c.cout,
    kh: 1,
    kw: 1,
    outH: h,
    outW: w,
    strideH: 1,
    strideW: 1,
    padTop: 0,
    padLeft: 0,
    dilationH: 1,
    dilationW: 1,
    groups: c.groups,
  };
}

/** channelShuffle(v, groups) of [n, c, plane] floats. */
function shuffle(v: Float32Array, n: number, c: number, groups: number, plane: number) {
  const o = new Float32Array(v.length);
  const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);
  shufflePlanes(bits(v), bits(o), n, c, groups, plane);
  return o;
}

describe.skipIf(!loadWasmKernels())('pointwise kernels with folded interleaves', () => {
  for (const threads of [1, 2]) {
    it(`match the naive reference on shuffled planes (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      withMode({ impl: 'wasm', threads, parallelThreshold: 0 }, () => {
        CASES.forEach((c, i) => {
          const s = geometry(c);
          expect(foldsShuffles(s)).toBe(true);
          const plane = s.h * s.w;
          const { inShuffle: si, outShuffle: so } = c.sh;
          const x = randomFloats(s.n * s.cin * plane, 10 + i);
          const w = randomFloats((s.cout * s.cin) / s.groups, 20 + i);
          const bias = randomFloats(s.cout, 30 + i);
          const dy = randomFloats(s.n * s.cout * plane, 40 + i);
          const label = `case ${i}`;

          // y = S_out(conv(S_in(x)) + b)
          const z = new Float32Array(dy.length);
          conv2dForwardNaive(s, shuffle(x, s.n, s.cin, si, plane), w, bias, z);
          const yRef = shuffle(z, s.n, s.cout, so, plane);
          const y = new Float32Array(dy.length).fill(Number.NaN);
          conv2dForward(s, x, w, bias, y, c.sh);
          expect(relError(y, yRef), `${label}: forward`).toBeLessThan(1e-5);

          // dz = S_out⁻¹(dy); dx = S_in⁻¹(convᵀ(dz)); dw from S_in(x) and dz.
          const dz = shuffle(dy, s.n, s.cout, s.cout / so, plane);
          const dxs = new Float32Array(x.length);
          conv2dBackpropInputNaive(s, dz, w, dxs);
          const dxRef = shuffle(dxs, s.n, s.cin, s.cin / si, plane);
          const dx = new Float32Array(x.length).fill(Number.NaN);
          conv2dBackpropInput(s, dy, w, dx, c.sh);
          expect(relError(dx, dxRef), `${label}: input gradient`).toBeLessThan(1e-5);

          const dwRef = new Float32Array(w.length);
          conv2dBackpropFilterNaive(s, shuffle(x, s.n, s.cin, si, plane), dz, dwRef);
          const dw = new Float32Array(w.length).fill(Number.NaN);
          conv2dBackpropFilter(s, x, dy, dw, c.sh);
          expect(relError(dw, dwRef), `${label}: filter gradient`).toBeLessThan(1e-5);
        });
      });
    });
  }
});
