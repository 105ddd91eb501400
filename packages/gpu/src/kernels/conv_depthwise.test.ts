/**
 * The depthwise strip kernels against the CPU backend: forward (every epilogue combination),
 * backward data (stride 1; other strides go to the small-group kernel) and backward filter, with
 * and without the folded interleave, over strides, padding, dilation, widths that are not a
 * multiple of the strip, and enough rows to split the filter reduction. Each case also checks
 * which kernels ran.
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
  tidy,
  variable,
} from '@igcnet/tensor';
import { conv2dGeometry } from '@igcnet/tensor/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { convOptions, expectAgree, keysOf, onBoth, useWebGpu } from '../../test/util.js';
import type { WebGpuBackend } from '../backend.js';
import { convForward, type FusedInputs } from './conv.js';

type Quad = [number, number, number, number];

interface Case {
  x: Quad;
  k: [number, number];
  stride?: [number, number];
  padding?: number | Quad;
  dilation?: [number, number];
  sIn?: number;
  sOut?: number;
}

const CASES: Case[] = [
  // IGCV3's shapes: 3×3 pad 1 at stride 1 and 2, with the 2-group permutation folded in.
  { x: [2, 6, 9, 9], k: [3, 3], padding: 1 },
  { x: [2, 6, 9, 9], k: [3, 3], padding: 1, sIn: 2 },
  { x: [3, 8, 7, 10], k: [3, 3], stride: [2, 2], padding: 1, sIn: 2, sOut: 4 },
  // Widths of 1, 5 and 6 (a partial strip), asymmetric padding, dilation, a 5×3 kernel.
  { x: [1, 3, 4, 1], k: [3, 3], padding: 1 },
  { x: [2, 5, 6, 5], k: [5, 3], padding: [2, 1, 0, 2], dilation: [1, 2], sOut: 5 },
  { x: [1, 4, 8, 6], k: [3, 3], stride: [1, 2], dilation: [2, 1], padding: 2 },
  // Many rows: the filter gradient is split into chunks of rows and summed.
  { x: [64, 2, 8, 8], k: [3, 3], padding: 1 },
];

const rn = (s: readonly number[], seed: number) => randomNormal(s, { seed });

function plan(c: Case): { geometry: Conv2DAttrs; out: Quad; w: Quad } {
  const w: Quad = [c.x[1], 1, c.k[0], c.k[1]];
  const attrs = planConv2d(c.x, w, {
    groups: c.x[1],
    ...(c.stride ? { stride: c.stride } : {}),
    ...(c.padding !== undefined ? { padding: c.padding } : {}),
    ...(c.dilation ? { dilation: c.dilation } : {}),
    ...(c.sIn ? { inShuffle: c.sIn } : {}),
    ...(c.sOut ? { outShuffle: c.sOut } : {}),
  });
  const g = conv2dGeometry(c.x, w, attrs);
  return { geometry: attrs, out: [g.n, g.cout, g.outH, g.outW], w };
}

/** The program names (keys without their variant) that `fn` dispatches. */
function namesOf(b: WebGpuBackend, fn: () => void): string[] {
  return keysOf(b, fn).map((k) => k.split(':')[0]!);
}

let backend: WebGpuBackend;
beforeAll(async () => {
  backend = await useWebGpu();
});

describe('depthwise conv kernels agree with the CPU backend', () => {
  it('forward with bias, and both backward passes, with and without folded shuffles', async () => {
    for (const c of CASES) {
      const what = JSON.stringify(c);
      const { geometry, out, w } = plan(c);
      const make = () => ({ x: rn(c.x, 1), w: rn(w, 2), bias: rn([w[0]], 3), dy: rn(out, 4) });
      const r = await onBoth(() => {
        const t = make();
        return [
          conv2d(t.x, t.w, { ...convOptions(geometry), bias: t.bias }),
          conv2dBackpropInput(t.dy, t.w, c.x, geometry),
          conv2dBackpropFilter(t.x, t.dy, w, geometry),
        ];
      });
      expectAgree(r.cpu, r.gpu, what);
      await useWebGpu();
      const t = make();
      const outs: Tensor[] = [];
      const keys = namesOf(backend, () => {
        outs.push(
          conv2d(t.x, t.w, { ...convOptions(geometry), bias: t.bias }),
          conv2dBackpropInput(t.dy, t.w, c.x, geometry),
          conv2dBackpropFilter(t.x, t.dy, w, geometry),
        );
      });
      const stride1 = geometry.stride[0] === 1 && geometry.stride[1] === 1;
      // The filter reduction is dealt into chunks of rows whenever there is more than one row.
      const chunked = out[0] * out[2] > 1;
      expect(keys, what).toEqual([
        'conv-dw-fwd',
        stride1 ? 'conv-dw-bwd-data' : 'conv-small-bwd-data',
        'conv-dw-bwd-filter',
        ...(chunked ? ['sum-parts'] : []),
      ]);
      for (const v of [...Object.values(t), ...outs]) v.dispose();
    }
  });

  it('forward with every epilogue combination (bias, inference BN, ReLU)', async () => {
    const c: Case = { x: [2, 6, 5, 7], k: [3, 3], stride: [2, 2], padding: 1, sIn: 2, sOut: 3 };
    const { geometry, w } = plan(c);
    const cout = w[0];
    const make = () => ({
      x: rn(c.x, 11),
      w: rn(w, 12),
      bias: rn([cout], 13),
      gamma: rn([cout], 14),
      beta: rn([cout], 15),
      mean: rn([cout], 16),
      variance: randomUniform([cout], { seed: 17, min: 0.5, max: 2 }),
    });
    for (let bits = 0; bits < 8; bits++) {
      const ep = { bias: (bits & 1) !== 0, bn: (bits & 2) !== 0, relu: (bits & 4) !== 0 };
      const what = JSON.stringify(ep);
      await setBackend('cpu');
      const refT = tidy(() => {
        const t = make();
        let y = conv2d(channelShuffle(t.x, c.sIn!), t.w, {
          groups: cout,
          stride: geometry.stride,
          padding: geometry.pad,
          ...(ep.bias ? { bias: t.bias } : {}),
        });
        y = channelShuffle(y, c.sOut!);
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
      const ref = refT.dataSync();
      refT.dispose();
      await useWebGpu();
      const t = make();
      const f: FusedInputs = { relu: ep.relu, inShuffle: c.sIn!, outShuffle: c.sOut! };
      if (ep.bias) f.bias = t.bias;
      if (ep.bn)
        f.bn = { gamma: t.gamma, beta: t.beta, mean: t.mean, variance: t.variance, eps: 1e-3 };
      let info: ReturnType<typeof convForward> | undefined;
      const keys = namesOf(backend, () => {
        info = convForward(backend, t.x, t.w, geometry, f);
      });
      expect(keys, what).toEqual(['conv-dw-fwd']);
      const y = ENGINE.makeTensor(info!, backend);
      expectAgree([ref], [await y.data()], what);
      for (const v of [...Object.values(t), y]) v.dispose();
    }
  });
});
