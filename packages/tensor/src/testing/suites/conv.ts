import { describe } from 'vitest';
import type { Conv2DAttrs } from '../../core/kernel_names.js';
import {
  type Conv2DOptions,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
} from '../../ops/conv.js';
import { expectClose } from '../compare.js';
import { randn, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/conv.js';
import { channelShuffle as refShuffle } from '../reference/layout.js';
import type { Nd } from '../reference/nd.js';

type Quad = [number, number, number, number];

interface ConvCase {
  name: string;
  x: Quad;
  w: Quad;
  /** What the op is given. */
  opts: Omit<Conv2DOptions, 'bias'>;
  /** The same geometry, resolved by hand for the reference and the backprop kernels. */
  geo: Conv2DAttrs;
  /** Whether the finite-difference gradient check runs on it (the larger cases only run forward). */
  grad: boolean;
}

function c(
  name: string,
  x: Quad,
  w: Quad,
  g: { stride?: [number, number]; pad?: Quad; dilation?: [number, number]; groups?: number } = {},
  grad = true,
): ConvCase {
  const geo: Conv2DAttrs = {
    stride: g.stride ?? [1, 1],
    pad: g.pad ?? [0, 0, 0, 0],
    dilation: g.dilation ?? [1, 1],
    groups: g.groups ?? 1,
  };
  return {
    name,
    x,
    w,
    opts: { stride: geo.stride, padding: geo.pad, dilation: geo.dilation, groups: geo.groups },
    geo,
    grad,
  };
}

const P1: Quad = [1, 1, 1, 1];

/** The odd shapes that break fast paths: tiny images, 1 and prime channel counts, groups, strides. */
export const CONV_CASES: readonly ConvCase[] = [
  c('3×3 pad 1', [2, 3, 5, 5], [4, 3, 3, 3], { pad: P1 }),
  c('1×1 image, 1×1 kernel', [2, 3, 1, 1], [5, 3, 1, 1]),
  c('1×1 image, 3×3 kernel, pad 1', [2, 2, 1, 1], [3, 2, 3, 3], { pad: P1 }),
  c('1 channel', [1, 1, 6, 6], [2, 1, 3, 3]),
  c('1 channel in and out, stride 2, pad 1', [2, 1, 5, 5], [1, 1, 3, 3], {
    stride: [2, 2],
    pad: P1,
  }),
  c('7 → 13 channels, groups 1', [1, 7, 5, 5], [13, 7, 3, 3], { pad: P1 }, false),
  c('7 channels, groups 7 (depthwise)', [2, 7, 5, 5], [7, 1, 3, 3], { pad: P1, groups: 7 }),
  c('13 channels, groups 13, stride 2', [1, 13, 6, 6], [13, 1, 3, 3], {
    stride: [2, 2],
    pad: P1,
    groups: 13,
  }),
  c('7 groups, channel multiplier 2', [1, 7, 4, 4], [14, 1, 3, 3], { pad: P1, groups: 7 }),
  c('stride 2 on an even input', [2, 4, 8, 8], [6, 4, 3, 3], { stride: [2, 2], pad: P1 }, false),
  c('stride [2, 1]', [1, 3, 7, 6], [4, 3, 3, 3], { stride: [2, 1], pad: P1 }),
  c('dilation 2', [1, 3, 7, 7], [4, 3, 3, 3], { dilation: [2, 2], pad: [2, 2, 2, 2] }),
  c('dilation [2, 1], stride 2, 3×2 kernel', [1, 2, 9, 8], [3, 2, 3, 2], {
    dilation: [2, 1],
    stride: [2, 2],
    pad: [2, 1, 0, 1],
  }),
  c('1×3 kernel', [2, 3, 5, 6], [4, 3, 1, 3], { pad: [0, 0, 1, 1] }),
  c('3×1 kernel', [2, 3, 5, 6], [4, 3, 3, 1], { pad: [1, 1, 0, 0] }),
  c('2×3 kernel, asymmetric pad [1,0,2,1]', [1, 4, 5, 5], [6, 4, 2, 3], { pad: [1, 0, 2, 1] }),
  c('groups 4 (IGC primary, L = 4)', [2, 8, 5, 5], [8, 2, 3, 3], { pad: P1, groups: 4 }),
  c('groups 3, 1×1 (IGC secondary)', [2, 12, 4, 4], [12, 4, 1, 1], { groups: 3 }),
  c('kernel as large as the padded input', [1, 2, 3, 3], [2, 2, 5, 5], { pad: P1 }),
  c('stride 3 leaves the last columns unread', [1, 2, 8, 7], [3, 2, 2, 2], { stride: [3, 3] }),
];

/** Conv2D forward and both backprop kernels over the odd shapes, plus gradients by FD. */
export function convSuite(kit: Kit): void {
  describe('conv2d', () => {
    for (const cc of CONV_CASES) {
      kit.test(`Conv2D ${cc.name}, with and without bias`, ['Conv2D'], async () => {
        const rng = kit.rng(1000);
        const x = randn(rng, cc.x);
        const w = randn(rng, cc.w);
        const b = randn(rng, [cc.w[0]]);
        await expectClose(
          conv2d(toTensor(x), toTensor(w), cc.opts),
          ref.conv2d(x, w, undefined, cc.geo),
          kit.opts,
          'conv2d',
        );
        await expectClose(
          conv2d(toTensor(x), toTensor(w), { ...cc.opts, bias: toTensor(b) }),
          ref.conv2d(x, w, b, cc.geo),
          kit.opts,
          'conv2d + bias',
        );
      });
      kit.test(
        `Conv2DBackpropInput and Conv2DBackpropFilter ${cc.name}`,
        ['Conv2DBackpropInput', 'Conv2DBackpropFilter'],
        async () => {
          const rng = kit.rng(1001);
          const x = randn(rng, cc.x);
          const w = randn(rng, cc.w);
          const [oh, ow] = ref.convOutSize(cc.x[2], cc.x[3], cc.w[2], cc.w[3], cc.geo);
          const dy = randn(rng, [cc.x[0], cc.w[0], oh, ow]);
          await expectClose(
            conv2dBackpropInput(toTensor(dy), toTensor(w), cc.x, cc.geo),
            ref.conv2dBackpropInput(dy, w, cc.x, cc.geo),
            kit.opts,
            'conv2dBackpropInput',
          );
          await expectClose(
            conv2dBackpropFilter(toTensor(x), toTensor(dy), cc.w, cc.geo),
            ref.conv2dBackpropFilter(x, dy, cc.w, cc.geo),
            kit.opts,
            'conv2dBackpropFilter',
          );
        },
      );
    }
    kit.test(
      "Conv2D with padding 'same' and stride 2 pads bottom and right",
      ['Conv2D'],
      async () => {
        const rng = kit.rng(1002);
        const x = randn(rng, [1, 3, 6, 6]);
        const w = randn(rng, [4, 3, 3, 3]);
        const geo: Conv2DAttrs = {
          stride: [2, 2],
          pad: [0, 1, 0, 1],
          dilation: [1, 1],
          groups: 1,
        };
        await expectClose(
          conv2d(toTensor(x), toTensor(w), { stride: 2, padding: 'same' }),
          ref.conv2d(x, w, undefined, geo),
          kit.opts,
          'same',
        );
      },
    );
    kit.test('Conv2D on a wider image (fast-path sizes)', ['Conv2D'], async () => {
      const rng = kit.rng(1003);
      const [n, cin, hw, cout] = kit.pick([2, 16, 12, 24], [1, 8, 6, 8]);
      const x = randn(rng, [n, cin, hw, hw]);
      const w = randn(rng, [cout, cin, 3, 3]);
      const b = randn(rng, [cout]);
      const geo: Conv2DAttrs = {
        stride: [1, 1],
        pad: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 1,
      };
      await expectClose(
        conv2d(toTensor(x), toTensor(w), { padding: 1, bias: toTensor(b) }),
        ref.conv2d(x, w, b, geo),
        kit.opts,
        'conv2d',
      );
    });

    describe('gradients (dx, dw, dbias)', () => {
      for (const cc of CONV_CASES.filter((k) => k.grad)) {
        kit.test(
          `d Conv2D ${cc.name}`,
          ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
          async () => {
            const rng = kit.rng(1010);
            const x = randn(rng, cc.x);
            const w = randn(rng, cc.w);
            const b = randn(rng, [cc.w[0]]);
            await checkGradients(
              kit,
              rng,
              {
                inputs: [x, w, b],
                wrt: [0, 1, 2],
                op: ([xt, wt, bt]) => conv2d(xt!, wt!, { ...cc.opts, bias: bt! }),
                ref: ([xr, wr, br]) => ref.conv2d(xr!, wr!, br!, cc.geo),
              },
              `d conv2d ${cc.name}`,
            );
          },
        );
      }
    });

    // The IGC secondary conv with its interleaves folded in: y = S_out(conv(S_in(x))).
    describe('folded interleave (inShuffle / outShuffle)', () => {
      const folded: {
        name: string;
        x: Quad;
        w: Quad;
        groups: number;
        sIn: number;
        sOut: number;
        pad: number;
        stride?: number;
      }[] = [
        {
          name: 'IGC secondary L=3, M=4',
          x: [2, 12, 3, 3],
          w: [12, 3, 1, 1],
          groups: 4,
          sIn: 3,
          sOut: 4,
          pad: 0,
        },
        {
          name: '3×3 groups 2, in 2, out 3',
          x: [1, 6, 4, 4],
          w: [6, 3, 3, 3],
          groups: 2,
          sIn: 2,
          sOut: 3,
          pad: 1,
        },
        { name: 'in only', x: [2, 8, 2, 2], w: [4, 4, 1, 1], groups: 2, sIn: 4, sOut: 1, pad: 0 },
        // IGCV3: the 2-group permutation after the expansion, folded into the depthwise conv.
        {
          name: 'depthwise, 2-group permutation in',
          x: [2, 8, 5, 5],
          w: [8, 1, 3, 3],
          groups: 8,
          sIn: 2,
          sOut: 1,
          pad: 1,
        },
        {
          name: 'depthwise stride 2, 2-group permutation in',
          x: [1, 12, 6, 7],
          w: [12, 1, 3, 3],
          groups: 12,
          sIn: 2,
          sOut: 1,
          pad: 1,
          stride: 2,
        },
      ];
      for (const f of folded) {
        const stride = f.stride ?? 1;
        const geo: Conv2DAttrs = {
          stride: [stride, stride],
          pad: [f.pad, f.pad, f.pad, f.pad],
          dilation: [1, 1],
          groups: f.groups,
        };
        const opts = {
          stride,
          padding: f.pad,
          groups: f.groups,
          inShuffle: f.sIn,
          outShuffle: f.sOut,
        };
        const reference = (x: Nd, w: Nd, b: Nd | undefined) =>
          refShuffle(ref.conv2d(refShuffle(x, f.sIn), w, b, geo), f.sOut);
        kit.test(`Conv2D ${f.name}`, ['Conv2D'], async () => {
          const rng = kit.rng(1020);
          const x = randn(rng, f.x);
          const w = randn(rng, f.w);
          const b = randn(rng, [f.w[0]]);
          await expectClose(
            conv2d(toTensor(x), toTensor(w), { ...opts, bias: toTensor(b) }),
            reference(x, w, b),
            kit.opts,
            'folded conv2d',
          );
        });
        kit.test(
          `d Conv2D ${f.name}`,
          ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
          async () => {
            const rng = kit.rng(1021);
            const x = randn(rng, f.x);
            const w = randn(rng, f.w);
            const b = randn(rng, [f.w[0]]);
            await checkGradients(
              kit,
              rng,
              {
                inputs: [x, w, b],
                wrt: [0, 1, 2],
                op: ([xt, wt, bt]) => conv2d(xt!, wt!, { ...opts, bias: bt! }),
                ref: ([xr, wr, br]) => reference(xr!, wr!, br!),
              },
              `d folded conv2d ${f.name}`,
            );
          },
        );
      }
    });
  });
}
