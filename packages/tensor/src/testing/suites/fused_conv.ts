import { describe, expect } from 'vitest';
import type { Conv2DAttrs } from '../../core/kernel_names.js';
import { ENGINE } from '../../engine/engine.js';
import { fusedConv2d } from '../../ops/fused_conv.js';
import { expectClose } from '../compare.js';
import { randn, toTensor, uniform } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import { batchNormInfer } from '../reference/batchnorm.js';
import * as ref from '../reference/conv.js';
import { channelShuffle } from '../reference/layout.js';
import { type Nd, nd } from '../reference/nd.js';
import { CONV_CASES } from './conv.js';

type Quad = [number, number, number, number];

interface FusedCase {
  name: string;
  x: Quad;
  w: Quad;
  geo: Conv2DAttrs;
}

const folded = (
  name: string,
  x: Quad,
  w: Quad,
  groups: number,
  inShuffle: number,
  outShuffle: number,
  pad: number,
): FusedCase => ({
  name,
  x,
  w,
  geo: {
    stride: [1, 1],
    pad: [pad, pad, pad, pad],
    dilation: [1, 1],
    groups,
    inShuffle,
    outShuffle,
  },
});

/** The conv suite's odd shapes, plus the IGC secondary conv with both interleaves folded in. */
const CASES: readonly FusedCase[] = [
  ...CONV_CASES.map((c) => ({ name: c.name, x: c.x, w: c.w, geo: c.geo })),
  folded('IGC secondary L=3, M=4, both shuffles', [2, 12, 3, 3], [12, 3, 1, 1], 4, 3, 4, 0),
  folded('3×3 groups 2, in 2, out 3', [1, 6, 4, 4], [6, 3, 3, 3], 2, 2, 3, 1),
  folded('out shuffle only', [2, 8, 3, 3], [8, 2, 3, 3], 4, 1, 4, 1),
];

/** Which parts of the epilogue a test includes. */
const EPILOGUES = [
  { bias: false, bn: false, relu: false },
  { bias: true, bn: false, relu: true },
  { bias: false, bn: true, relu: false },
  { bias: true, bn: true, relu: true },
] as const;

interface Params {
  x: Nd;
  w: Nd;
  bias: Nd;
  gamma: Nd;
  beta: Nd;
  mean: Nd;
  variance: Nd;
}

function params(kit: Kit, seed: number, c: FusedCase): Params {
  const rng = kit.rng(seed);
  const cout = c.w[0];
  return {
    x: randn(rng, c.x),
    w: randn(rng, c.w),
    bias: randn(rng, [cout]),
    gamma: randn(rng, [cout]),
    beta: randn(rng, [cout]),
    mean: randn(rng, [cout], 0.5),
    variance: uniform(rng, [cout], 0.5, 2),
  };
}

/** relu?(bn?(S_out(conv(S_in(x)) + bias?))) in float64. */
function reference(
  p: Params,
  c: FusedCase,
  e: { bias: boolean; bn: boolean; relu: boolean },
  eps: number,
): Nd {
  const sIn = c.geo.inShuffle ?? 1;
  const sOut = c.geo.outShuffle ?? 1;
  let y = channelShuffle(
    ref.conv2d(channelShuffle(p.x, sIn), p.w, e.bias ? p.bias : undefined, c.geo),
    sOut,
  );
  if (e.bn) y = batchNormInfer(y, p.gamma, p.beta, p.mean, p.variance, eps);
  if (e.relu)
    y = nd(
      y.shape,
      y.data.map((v) => Math.max(v, 0)),
    );
  return y;
}

function geometryOptions(c: FusedCase) {
  return {
    stride: c.geo.stride,
    padding: c.geo.pad,
    dilation: c.geo.dilation,
    groups: c.geo.groups,
    ...(c.geo.inShuffle ? { inShuffle: c.geo.inShuffle } : {}),
    ...(c.geo.outShuffle ? { outShuffle: c.geo.outShuffle } : {}),
  };
}

/** FusedConv2D against conv → shuffle → BN → ReLU references, and fusedConv2d's gradients. */
export function fusedConvSuite(kit: Kit): void {
  describe('fusedConv2d', () => {
    for (const c of CASES) {
      kit.test(`FusedConv2D ${c.name}, every epilogue`, ['FusedConv2D'], async () => {
        const p = params(kit, 1100, c);
        const eps = 2e-5;
        for (const e of EPILOGUES) {
          const y = fusedConv2d(toTensor(p.x), toTensor(p.w), {
            ...geometryOptions(c),
            ...(e.bias ? { bias: toTensor(p.bias) } : {}),
            ...(e.bn
              ? {
                  bn: {
                    gamma: toTensor(p.gamma),
                    beta: toTensor(p.beta),
                    mean: toTensor(p.mean),
                    variance: toTensor(p.variance),
                    eps,
                  },
                }
              : {}),
            relu: e.relu,
          });
          await expectClose(y, reference(p, c, e, eps), kit.opts, `fused ${JSON.stringify(e)}`);
        }
      });
    }

    kit.test('FusedConv2D ReLU clamps exactly at zero', ['FusedConv2D'], async () => {
      // A weight of zeros and beta of ±1 puts every output exactly at ±1 before the ReLU.
      const x = toTensor(nd([1, 2, 3, 3], new Array(18).fill(1)));
      const w = toTensor(nd([2, 2, 1, 1]));
      const y = fusedConv2d(x, w, {
        bn: {
          gamma: toTensor(nd([2], [1, 1])),
          beta: toTensor(nd([2], [-1, 1])),
          mean: toTensor(nd([2])),
          variance: toTensor(nd([2], [1, 1])),
        },
        relu: true,
      });
      expect(Array.from(await y.data())).toEqual([
        ...new Array(9).fill(0),
        ...new Array(9).fill(1),
      ]);
    });

    // While recording, fusedConv2d runs the differentiable ops; its gradients must be the
    // composite's (BN parameters included), so training through it works.
    for (const c of [CASES[0]!, CASES.at(-3)!]) {
      kit.test(
        `d fusedConv2d ${c.name} (recorded: composed ops)`,
        ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchNormInfer'],
        async () => {
          const p = params(kit, 1101, c);
          const e = { bias: true, bn: true, relu: true };
          const eps = 1e-5;
          await checkGradients(
            kit,
            kit.rng(1102),
            {
              inputs: [p.x, p.w, p.bias, p.gamma, p.beta, p.mean, p.variance],
              wrt: [0, 1, 2, 3, 4],
              op: ([x, w, bias, gamma, beta, mean, variance]) =>
                fusedConv2d(x!, w!, {
                  ...geometryOptions(c),
                  bias: bias!,
                  bn: { gamma: gamma!, beta: beta!, mean: mean!, variance: variance!, eps },
                  relu: true,
                }),
              ref: ([x, w, bias, gamma, beta, mean, variance]) =>
                reference(
                  {
                    x: x!,
                    w: w!,
                    bias: bias!,
                    gamma: gamma!,
                    beta: beta!,
                    mean: mean!,
                    variance: variance!,
                  },
                  c,
                  e,
                  eps,
                ),
            },
            `d fusedConv2d ${c.name}`,
          );
        },
      );
    }

    kit.test('fusedConv2d names a wrong BN parameter shape', ['FusedConv2D'], () => {
      const x = toTensor(nd([1, 4, 2, 2]));
      const w = toTensor(nd([6, 4, 1, 1]));
      const v = toTensor(nd([6]));
      expect(() =>
        fusedConv2d(x, w, {
          bn: { gamma: v, beta: v, mean: toTensor(nd([4])), variance: v },
        }),
      ).toThrow("fusedConv2d: 'bn.mean' must have shape [6] for 6 output channels, got [4]");
      expect(ENGINE.recording()).toBe(false);
    });
  });
}
