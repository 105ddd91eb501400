/**
 * The small-group conv kernels against the CPU backend: forward (every epilogue combination),
 * backward data and backward filter, with and without the folded interleave, over strides,
 * padding, dilation, depthwise groups and 1–4 channels per group. Each case also checks that the
 * small kernels (not the GEMM) ran. Depthwise convs run conv_depthwise.ts's kernels by default;
 * this file turns those off to test the small kernels on them too.
 */
import {
  batchNorm,
  type Conv2DAttrs,
  channelShuffle,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  ENGINE,
  planConv2d,
  randomNormal,
  randomUniform,
  relu,
  setBackend,
  type Tensor,
  type TypedArray,
  tidy,
  variable,
} from '@igcnet/tensor';
import { conv2dGeometry } from '@igcnet/tensor/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convOptions, expectAgree, keysOf, onBoth, useWebGpu } from '../../test/util.js';
import type { WebGpuBackend } from '../backend.js';
import { convForward, type FusedInputs } from './conv.js';
import { channelBlock } from './conv_small.js';

type Quad = [number, number, number, number];

interface Case {
  x: Quad;
  w: Quad;
  groups: number;
  stride?: [number, number];
  padding?: number | Quad;
  dilation?: [number, number];
  /** Folded interleave: channelShuffle groups of the input and of the output. */
  sIn?: number;
  sOut?: number;
}

const CASES: Case[] = [
  // 2 in / 2 out per group (IGC primary), odd spatial size, batch 1.
  { x: [1, 4, 5, 5], w: [4, 2, 3, 3], groups: 2, padding: 1 },
  { x: [1, 4, 5, 5], w: [4, 2, 3, 3], groups: 2, padding: 1, sIn: 2, sOut: 2 },
  // Depthwise (groups = channels, 1 in / 1 out), stride 2, batch 3.
  { x: [3, 6, 7, 7], w: [6, 1, 3, 3], groups: 6, stride: [2, 2], padding: 1 },
  { x: [3, 6, 7, 7], w: [6, 1, 3, 3], groups: 6, stride: [2, 2], padding: 1, sIn: 3, sOut: 2 },
  // 3 in / 3 out, dilation 2 and asymmetric padding.
  { x: [3, 6, 6, 5], w: [6, 3, 3, 3], groups: 2, padding: [2, 1, 0, 2], dilation: [2, 2] },
  { x: [1, 6, 6, 5], w: [6, 3, 3, 3], groups: 2, padding: [2, 1, 0, 2], dilation: [2, 2], sOut: 3 },
  // 4 in / 4 out, 1×1 (the IGC secondary shape, small).
  { x: [3, 8, 5, 3], w: [8, 4, 1, 1], groups: 2 },
  { x: [3, 8, 5, 3], w: [8, 4, 1, 1], groups: 2, sIn: 4, sOut: 2 },
  // 1 in / 4 out and 4 in / 1 out, a non-square kernel with mixed stride and dilation.
  { x: [2, 2, 7, 6], w: [8, 1, 2, 3], groups: 2, stride: [2, 1], dilation: [1, 2], padding: 1 },
  { x: [2, 8, 7, 6], w: [2, 4, 3, 2], groups: 2, stride: [1, 2], padding: [1, 0, 1, 1], sIn: 2 },
  // Backward filter split into chunks: the chunk stride within a row, across rows, and across
  // several images at once (1×1 output planes).
  { x: [3, 4, 9, 9], w: [4, 2, 3, 3], groups: 2, padding: 1, sIn: 2, sOut: 2 },
  { x: [40, 2, 4, 4], w: [2, 1, 3, 3], groups: 2, padding: 1 },
  { x: [130, 2, 3, 3], w: [4, 1, 3, 3], groups: 2, sOut: 2 },
  // More channels than one register block: 16 out (two blocks of 8) and 16 in for dx.
  { x: [1, 2, 4, 5], w: [32, 1, 3, 3], groups: 2, padding: 1, sOut: 4 },
  { x: [1, 16, 4, 4], w: [2, 16, 3, 3], groups: 1, stride: [2, 2], padding: 1, sIn: 4 },
];

const rn = (s: readonly number[], seed: number) => randomNormal(s, { seed });

function plan(c: Case): { geometry: Conv2DAttrs; out: Quad } {
  const attrs = planConv2d(c.x, c.w, {
    groups: c.groups,
    ...(c.stride ? { stride: c.stride } : {}),
    ...(c.padding !== undefined ? { padding: c.padding } : {}),
    ...(c.dilation ? { dilation: c.dilation } : {}),
    ...(c.sIn ? { inShuffle: c.sIn } : {}),
    ...(c.sOut ? { outShuffle: c.sOut } : {}),
  });
  const g = conv2dGeometry(c.x, c.w, attrs);
  return { geometry: attrs, out: [g.n, g.cout, g.outH, g.outW] };
}

/** `build` on the CPU backend only (the reference). */
async function onCpu(build: () => Tensor): Promise<TypedArray> {
  await setBackend('cpu');
  const t = tidy(build);
  const v = t.dataSync();
  t.dispose();
  return v;
}

let backend: WebGpuBackend;
let depthwise: string | undefined;
beforeAll(async () => {
  backend = await useWebGpu();
  // Depthwise convs have their own kernels (conv_depthwise.test.ts); here they take these.
  depthwise = process.env.IGCNET_GPU_DEPTHWISE;
  process.env.IGCNET_GPU_DEPTHWISE = '0';
});
afterAll(() => {
  if (depthwise === undefined) delete process.env.IGCNET_GPU_DEPTHWISE;
  else process.env.IGCNET_GPU_DEPTHWISE = depthwise;
});

describe('channelBlock', () => {
  it('takes the largest divisor up to 8', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 24].map(channelBlock)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 3, 6, 1, 8, 8,
    ]);
  });
});

describe('small-group conv kernels agree with the CPU backend', () => {
  it('forward with bias, and both backward passes, with and without folded shuffles', async () => {
    for (const c of CASES) {
      const what = JSON.stringify(c);
      const { geometry, out } = plan(c);
      const make = () => ({
        x: rn(c.x, 1),
        w: rn(c.w, 2),
        bias: rn([c.w[0]], 3),
        dy: rn(out, 4),
      });
      const r = await onBoth(() => {
        const t = make();
        return [
          conv2d(t.x, t.w, { ...convOptions(geometry), bias: t.bias }),
          conv2dBackpropInput(t.dy, t.w, c.x, geometry),
          conv2dBackpropFilter(t.x, t.dy, c.w, geometry),
        ];
      });
      expectAgree(r.cpu, r.gpu, what);
      // The same launches go to the small kernels.
      await useWebGpu();
      const t = make();
      const outs: Tensor[] = [];
      const keys = keysOf(backend, () => {
        outs.push(
          conv2d(t.x, t.w, { ...convOptions(geometry), bias: t.bias }),
          conv2dBackpropInput(t.dy, t.w, c.x, geometry),
          conv2dBackpropFilter(t.x, t.dy, c.w, geometry),
        );
      });
      const positions = out[0] * out[2] * out[3];
      expect(
        keys.map((k) => k.split(':')[0]),
        what,
      ).toEqual([
        'conv-small-fwd',
        'conv-small-bwd-data',
        'conv-small-bwd-filter',
        // dw's reduction over images × pixels is split once it is long enough.
        ...(positions > 64 ? ['sum-parts'] : []),
      ]);
      for (const v of [...Object.values(t), ...outs]) v.dispose();
    }
  });

  it('forward with every epilogue combination (bias, inference BN by output channel, ReLU)', async () => {
    const cases: Case[] = [
      { x: [2, 6, 5, 5], w: [6, 2, 3, 3], groups: 3, padding: 1, sIn: 3, sOut: 3 },
      { x: [1, 4, 3, 5], w: [8, 1, 3, 3], groups: 4, stride: [2, 2], padding: 1, sOut: 2 },
      { x: [2, 8, 3, 3], w: [8, 4, 1, 1], groups: 2, sIn: 4, sOut: 2 },
    ];
    for (const c of cases) {
      const { geometry } = plan(c);
      const cout = c.w[0];
      const make = () => ({
        x: rn(c.x, 11),
        w: rn(c.w, 12),
        bias: rn([cout], 13),
        gamma: rn([cout], 14),
        beta: rn([cout], 15),
        mean: rn([cout], 16),
        variance: randomUniform([cout], { seed: 17, min: 0.5, max: 2 }),
      });
      for (let bits = 0; bits < 8; bits++) {
        const ep = { bias: (bits & 1) !== 0, bn: (bits & 2) !== 0, relu: (bits & 4) !== 0 };
        const what = `${JSON.stringify(c)} ${JSON.stringify(ep)}`;
        // Reference: the composed ops; BN and ReLU act on the final (shuffled) channels.
        const ref = await onCpu(() => {
          const t = make();
          let y = conv2d(channelShuffle(t.x, c.sIn ?? 1), t.w, {
            groups: c.groups,
            stride: geometry.stride,
            padding: geometry.pad,
            ...(ep.bias ? { bias: t.bias } : {}),
          });
          y = channelShuffle(y, c.sOut ?? 1);
          if (ep.bn) {
            const rm = variable(t.mean);
            const rv = variable(t.variance);
            y = batchNorm(y, t.gamma, t.beta, {
              training: false,
              runningMean: rm,
              runningVar: rv,
              eps: 1e-3,
            });
            rm.dispose();
            rv.dispose();
          }
          return ep.relu ? relu(y) : y;
        });
        await useWebGpu();
        const t = make();
        const f: FusedInputs = { relu: ep.relu, inShuffle: c.sIn ?? 1, outShuffle: c.sOut ?? 1 };
        if (ep.bias) f.bias = t.bias;
        if (ep.bn)
          f.bn = { gamma: t.gamma, beta: t.beta, mean: t.mean, variance: t.variance, eps: 1e-3 };
        let info: ReturnType<typeof convForward> | undefined;
        const keys = keysOf(backend, () => {
          info = convForward(backend, t.x, t.w, geometry, f);
        });
        expect(keys, what).toEqual([
          `conv-small-fwd:cb${channelBlock(cout / c.groups)}:${c.w[2] === 1 ? '1x1' : 'kxk'}:${ep.bias ? 'b' : ''}${ep.bn ? 'n' : ''}${ep.relu ? 'r' : ''}`,
        ]);
        const y = ENGINE.makeTensor(info!, backend);
        expectAgree([ref], [await y.data()], what);
        for (const v of [...Object.values(t), y]) v.dispose();
      }
    }
  });
});
