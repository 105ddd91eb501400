// The direct small-group kernels (wasm/assembly/small.as) against the naive reference, on many
// tiny shapes: every channel count per group up to 4, strides, paddings, dilations and widths
// that exercise each register tile and its partial last vector.

import {
  conv2d,
  conv2dBackpropFilter as dFilterOp,
  conv2dBackpropInput as dInputOp,
  tensor,
} from '@igcnet/tensor';
import { type Conv2DGeometry, convOutSize } from '@igcnet/tensor/backend';
import { describe, expect, it } from 'vitest';
import { poolThreads } from '../wasm/exec.js';
import { loadWasmKernels } from '../wasm/module.js';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from './conv2d.js';
import { useSmallGroups } from './policy.js';
import {
  conv2dBackpropFilterNaive,
  conv2dBackpropInputNaive,
  conv2dForwardNaive,
} from './reference.js';
import { MODES, randomFloats, relError, withMode } from './testing-util.js';
import { smallFilterTs, smallForwardTs, smallInputTs } from './ts/small.js';

/** Window geometry of a case: kernel, stride, [top, left, bottom, right] padding, dilation. */
interface Geometry {
  name: string;
  k: [number, number];
  stride: [number, number];
  pad: [number, number, number, number];
  dilation: [number, number];
}

const GEOMETRIES: Geometry[] = [
  { name: '3×3 pad 1', k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1] },
  { name: '3×3 unpadded', k: [3, 3], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
  { name: '3×3 stride 2 pad 1', k: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1] },
  { name: 'asymmetric pad', k: [3, 3], stride: [1, 1], pad: [0, 2, 1, 0], dilation: [1, 1] },
  { name: 'dilation 2', k: [3, 3], stride: [1, 1], pad: [2, 2, 2, 2], dilation: [2, 2] },
  {
    name: 'stride 2, dilation 2, asymmetric pad',
    k: [3, 3],
    stride: [2, 2],
    pad: [1, 2, 0, 1],
    dilation: [2, 2],
  },
  { name: '1×1 stride 2', k: [1, 1], stride: [2, 2], pad: [0, 0, 0, 0], dilation: [1, 1] },
  { name: '5×3 stride (2, 1)', k: [5, 3], stride: [2, 1], pad: [2, 1, 2, 1], dilation: [1, 1] },
  { name: '3×3 stride (1, 3)', k: [3, 3], stride: [1, 3], pad: [1, 1, 1, 1], dilation: [1, 1] },
  { name: 'pad past the kernel', k: [3, 3], stride: [1, 1], pad: [3, 2, 3, 4], dilation: [1, 1] },
];

/** Widths 1 and ones that are not multiples of 4, some past the 8- and 16-wide tiles. */
const WIDTHS = [1, 5, 7, 13, 23, 37];
const HEIGHTS = [1, 6, 11];

interface Case {
  name: string;
  s: Conv2DGeometry;
  bias: boolean;
}

function shapeOf(
  n: number,
  cinG: number,
  coutG: number,
  groups: number,
  h: number,
  w: number,
  g: Geometry,
): Conv2DGeometry {
  const [kh, kw] = g.k;
  const [pt, pl, pb, pr] = g.pad;
  return {
    n,
    cin: cinG * groups,
    h,
    w,
    cout: coutG * groups,
    kh,
    kw,
    outH: convOutSize(h, kh, g.stride[0], pt, pb, g.dilation[0]),
    outW: convOutSize(w, kw, g.stride[1], pl, pr, g.dilation[1]),
    strideH: g.stride[0],
    strideW: g.stride[1],
    padTop: pt,
    padLeft: pl,
    dilationH: g.dilation[0],
    dilationW: g.dilation[1],
    groups,
  };
}

/** Every cinG × coutG ∈ {1, 2, 3, 4}² under every geometry, cycling batch, size and bias. */
function cases(): Case[] {
  const out: Case[] = [];
  let i = 0;
  for (const g of GEOMETRIES) {
    for (let cinG = 1; cinG <= 4; cinG++) {
      for (let coutG = 1; coutG <= 4; coutG++, i++) {
        const n = i % 2 === 0 ? 1 : 3;
        const groups = 1 + (i % 3);
        let h = HEIGHTS[i % HEIGHTS.length]!;
        const w = WIDTHS[(i * 5) % WIDTHS.length]!;
        let s = shapeOf(n, cinG, coutG, groups, h, w, g);
        // An unpadded window needs an image at least as large as itself.
        while (s.outH < 1) s = shapeOf(n, cinG, coutG, groups, ++h, w, g);
        if (s.outW < 1) s = shapeOf(n, cinG, coutG, groups, h, WIDTHS[WIDTHS.length - 1]!, g);
        const name = `${g.name}, ${cinG}→${coutG} ×${groups} groups, n ${n}, ${s.h}×${s.w}`;
        out.push({ name, s, bias: i % 2 === 1 });
      }
    }
  }
  return out;
}

const CASES = cases();
const TOL = 1e-4;

/** The three passes of one implementation. */
interface Passes {
  forward: typeof conv2dForward;
  input: typeof conv2dBackpropInput;
  filter: typeof conv2dBackpropFilter;
}

const ENTRY_POINTS: Passes = {
  forward: conv2dForward,
  input: conv2dBackpropInput,
  filter: conv2dBackpropFilter,
};

/** Runs the three passes of `p` on every case and compares them with the naive reference. */
function checkAll(p: Passes): void {
  CASES.forEach(({ name, s, bias: withBias }, ci) => {
    const x = randomFloats(s.n * s.cin * s.h * s.w, 1 + ci);
    const w = randomFloats(s.cout * (s.cin / s.groups) * s.kh * s.kw, 1000 + ci);
    const bias = withBias ? randomFloats(s.cout, 2000 + ci) : undefined;
    const dy = randomFloats(s.n * s.cout * s.outH * s.outW, 3000 + ci);

    const y = new Float32Array(dy.length).fill(Number.NaN);
    const yRef = new Float32Array(dy.length);
    p.forward(s, x, w, bias, y);
    conv2dForwardNaive(s, x, w, bias, yRef);
    expect(relError(y, yRef), `${name}: forward`).toBeLessThan(TOL);

    const dx = new Float32Array(x.length).fill(Number.NaN);
    const dxRef = new Float32Array(x.length);
    p.input(s, dy, w, dx);
    conv2dBackpropInputNaive(s, dy, w, dxRef);
    expect(relError(dx, dxRef), `${name}: backprop input`).toBeLessThan(TOL);

    const dw = new Float32Array(w.length).fill(Number.NaN);
    const dwRef = new Float32Array(w.length);
    p.filter(s, x, dy, dw);
    conv2dBackpropFilterNaive(s, x, dy, dwRef);
    expect(relError(dw, dwRef), `${name}: backprop filter`).toBeLessThan(TOL);
  });
}

describe.each(MODES)('small-group conv ($name)', (mode) => {
  it.skipIf(mode.impl === 'wasm' && !loadWasmKernels())('matches the naive reference', () => {
    withMode(mode, () => {
      if (mode.impl === 'wasm') {
        const small = mode.smallGroupKernels !== false;
        for (const { name, s } of CASES) expect(useSmallGroups(s, true), name).toBe(small);
      }
      checkAll(ENTRY_POINTS);
    });
    if ((mode.threads ?? 1) > 1) expect(poolThreads()).toBe(mode.threads);
  });
});

// The policy sends only the smallest groups to the TypeScript kernels; test them on every case.
describe('small-group conv (TypeScript kernels)', () => {
  it('matches the naive reference', () => {
    checkAll({ forward: smallForwardTs, input: smallInputTs, filter: smallFilterTs });
  });
});

/** channelShuffle(v, groups) of NCHW data: channel m·groups + g ← channel g·(c / groups) + m. */
function shuffle(
  v: Float32Array,
  n: number,
  c: number,
  plane: number,
  groups: number,
): Float32Array {
  const out = new Float32Array(v.length);
  const per = c / groups;
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      for (let m = 0; m < per; m++) {
        const src = (b * c + g * per + m) * plane;
        out.set(v.subarray(src, src + plane), (b * c + m * groups + g) * plane);
      }
    }
  }
  return out;
}

// The backend folds an IGC interleave into the conv (y = S_out(conv(S_in(x)))) around these
// kernels; the three conv kernels must honour it with small groups too.
describe.each(MODES)('small-group conv with folded shuffles ($name)', (mode) => {
  const shuffled = [
    {
      name: 'IGC-L24M2-like 2→2, in 3, out 4',
      n: 2,
      cinG: 2,
      coutG: 2,
      groups: 6,
      sIn: 3,
      sOut: 4,
    },
    { name: 'depthwise, in 2, out 4', n: 1, cinG: 1, coutG: 1, groups: 8, sIn: 2, sOut: 4 },
    { name: 'stride 2, 2→4, in 4, out 2', n: 3, cinG: 2, coutG: 4, groups: 4, sIn: 4, sOut: 2 },
  ];
  it.skipIf(mode.impl === 'wasm' && !loadWasmKernels())('match shuffle + naive conv', () => {
    withMode(mode, () => {
      shuffled.forEach((c, ci) => {
        const g = ci === 2 ? GEOMETRIES[2]! : GEOMETRIES[0]!;
        const s = shapeOf(c.n, c.cinG, c.coutG, c.groups, 9, 11, g);
        if (mode.smallGroupKernels !== false) expect(useSmallGroups(s, true)).toBe(true);
        const plane = s.h * s.w;
        const oplane = s.outH * s.outW;
        const x = randomFloats(s.n * s.cin * plane, 10 + ci);
        const w = randomFloats(s.cout * c.cinG * s.kh * s.kw, 20 + ci);
        const b = randomFloats(s.cout, 30 + ci);
        const dy = randomFloats(s.n * s.cout * oplane, 40 + ci);
        // Conv2DAttrs pads are [top, bottom, left, right].
        const geometry = {
          stride: g.stride,
          pad: [g.pad[0], g.pad[2], g.pad[1], g.pad[3]] as [number, number, number, number],
          dilation: g.dilation,
          groups: c.groups,
          inShuffle: c.sIn,
          outShuffle: c.sOut,
        };
        const xs = shuffle(x, s.n, s.cin, plane, c.sIn);
        // dy of the unshuffled conv output: S_out⁻¹ = channelShuffle(·, cout / sOut).
        const dyc = shuffle(dy, s.n, s.cout, oplane, s.cout / c.sOut);

        const yRef = new Float32Array(dy.length);
        conv2dForwardNaive(s, xs, w, b, yRef);
        const xT = tensor(x, [s.n, s.cin, s.h, s.w]);
        const wT = tensor(w, [s.cout, c.cinG, s.kh, s.kw]);
        const dyT = tensor(dy, [s.n, s.cout, s.outH, s.outW]);
        const bT = tensor(b, [s.cout]);
        const y = conv2d(xT, wT, {
          stride: g.stride,
          padding: geometry.pad,
          dilation: g.dilation,
          groups: c.groups,
          bias: bT,
          inShuffle: c.sIn,
          outShuffle: c.sOut,
        });
        const yData = y.dataSync() as Float32Array;
        expect(relError(yData, shuffle(yRef, s.n, s.cout, oplane, c.sOut)), c.name).toBeLessThan(
          TOL,
        );

        const dxs = new Float32Array(x.length);
        conv2dBackpropInputNaive(s, dyc, w, dxs);
        const dx = dInputOp(dyT, wT, [s.n, s.cin, s.h, s.w], geometry);
        const dxRef = shuffle(dxs, s.n, s.cin, plane, s.cin / c.sIn);
        expect(relError(dx.dataSync() as Float32Array, dxRef), `${c.name}: dx`).toBeLessThan(TOL);

        const dwRef = new Float32Array(w.length);
        conv2dBackpropFilterNaive(s, xs, dyc, dwRef);
        const dw = dFilterOp(xT, dyT, [s.cout, c.cinG, s.kh, s.kw], geometry);
        expect(relError(dw.dataSync() as Float32Array, dwRef), `${c.name}: dw`).toBeLessThan(TOL);
        for (const t of [xT, wT, bT, dyT, y, dx, dw]) t.dispose();
      });
    });
  });
});

describe('small-group filter gradient', () => {
  it.skipIf(!loadWasmKernels())(
    'is bit-for-bit reproducible, on any number of threads (training runs resume exactly)',
    () => {
      for (const g of [GEOMETRIES[0]!, GEOMETRIES[2]!]) {
        const s = shapeOf(5, 2, 2, 12, 16, 13, g);
        const x = randomFloats(s.n * s.cin * s.h * s.w, 7);
        const dy = randomFloats(s.n * s.cout * s.outH * s.outW, 8);
        const run = (): number[] => {
          expect(useSmallGroups(s, true)).toBe(true);
          const dw = new Float32Array(s.cout * 2 * s.kh * s.kw);
          conv2dBackpropFilter(s, x, dy, dw);
          return Array.from(dw);
        };
        let one: number[] = [];
        withMode(MODES[1]!, () => {
          one = run();
        });
        withMode(MODES[3]!, () => {
          for (let i = 0; i < 6; i++) expect(run()).toEqual(one);
          expect(poolThreads()).toBe(2);
        });
      }
    },
  );
});
