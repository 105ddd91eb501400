/** The fused conv epilogue and the folded interleave agree with the ops they replace. */
import {
  batchNorm,
  channelShuffle,
  conv2d,
  ENGINE,
  fusedConv2d,
  mul,
  randomNormal,
  randomUniform,
  relu,
  sum,
  type Tensor,
  valueAndGrads,
  variable,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { expectAgree, onBoth, useWebGpu } from '../../test/util.js';

const rn = (s: number[], seed: number) => randomNormal(s, { seed });

describe('fusedConv2d on WebGPU', () => {
  it('bias + inference BN + ReLU in the epilogue and the shuffles in the indexing: one dispatch', async () => {
    for (const c of [
      { x: [2, 8, 5, 5], w: [8, 2, 3, 3], groups: 4, padding: 1, inShuffle: 1, outShuffle: 4 },
      { x: [2, 8, 4, 4], w: [8, 4, 1, 1], groups: 2, padding: 0, inShuffle: 4, outShuffle: 2 },
      { x: [1, 6, 3, 3], w: [6, 3, 1, 1], groups: 2, padding: 0, inShuffle: 3, outShuffle: 1 },
    ]) {
      const cout = c.w[0]!;
      const inputs = () => ({
        x: rn(c.x, 1),
        w: rn(c.w, 2),
        bias: rn([cout], 3),
        gamma: rn([cout], 4),
        beta: rn([cout], 5),
        mean: rn([cout], 6),
        variance: randomUniform([cout], { seed: 7, min: 0.5, max: 2 }),
      });
      // Reference: the composed ops, on the CPU.
      const ref = await onBoth(() => {
        const t = inputs();
        const rm = variable(t.mean);
        const rv = variable(t.variance);
        let y: Tensor = conv2d(channelShuffle(t.x, c.inShuffle), t.w, {
          groups: c.groups,
          padding: c.padding,
          bias: t.bias,
        });
        y = channelShuffle(y, c.outShuffle);
        y = relu(
          batchNorm(y, t.gamma, t.beta, {
            training: false,
            runningMean: rm,
            runningVar: rv,
            eps: 1e-5,
          }),
        );
        rm.dispose();
        rv.dispose();
        return y;
      });
      const b = await useWebGpu();
      const t = inputs();
      b.flush();
      const before = b.execStats.dispatches;
      const fused = fusedConv2d(t.x, t.w, {
        groups: c.groups,
        padding: c.padding,
        bias: t.bias,
        bn: { gamma: t.gamma, beta: t.beta, mean: t.mean, variance: t.variance, eps: 1e-5 },
        relu: true,
        inShuffle: c.inShuffle,
        outShuffle: c.outShuffle,
      });
      // The conv with its whole epilogue and both interleaves is one GEMM.
      expect(b.execStats.dispatches - before, `dispatches for ${JSON.stringify(c)}`).toBe(1);
      expectAgree(ref.cpu, [await fused.data()], `fused ${JSON.stringify(c)}`);
      for (const v of [...Object.values(t), fused]) v.dispose();
    }
  });
});

describe('folded interleave attrs on the contract conv kernels (training path)', () => {
  it('Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter with inShuffle/outShuffle match shuffle + conv', async () => {
    const c = { x: [2, 8, 5, 5], w: [8, 2, 3, 3], groups: 4, sIn: 2, sOut: 4 };
    // Reference: y = shuffle(conv(shuffle(x, sIn), w), sOut); loss = Σ y·dy; grads wrt x and w.
    const ref = await onBoth(() => {
      const x = rn(c.x, 11);
      const w = rn(c.w, 12);
      const dy = rn([2, 8, 5, 5], 13);
      const f = () =>
        channelShuffle(
          conv2d(channelShuffle(x, c.sIn), w, { groups: c.groups, padding: 1 }),
          c.sOut,
        );
      const { grads } = valueAndGrads(() => sum(mul(f(), dy)), [x, w]);
      return [f(), ...grads];
    });
    const b = await useWebGpu();
    const x = rn(c.x, 11);
    const w = rn(c.w, 12);
    const dy = rn([2, 8, 5, 5], 13);
    const geometry = {
      stride: [1, 1] as const,
      pad: [1, 1, 1, 1] as const,
      dilation: [1, 1] as const,
      groups: c.groups,
    };
    const attrs = { ...geometry, inShuffle: c.sIn, outShuffle: c.sOut };
    const k = b.kernels;
    const y = k.Conv2D!({ inputs: { x, w }, attrs, backend: b });
    const dx = k.Conv2DBackpropInput!({
      inputs: { dy, w },
      attrs: { ...attrs, inputShape: [2, 8, 5, 5] },
      backend: b,
    });
    const dw = k.Conv2DBackpropFilter!({
      inputs: { x, dy },
      attrs: { ...attrs, filterShape: [8, 2, 3, 3] },
      backend: b,
    });
    const out = [y, dx, dw].map((info) => ENGINE.makeTensor(info, b));
    const got = [];
    for (const t of out) got.push(await t.data());
    expectAgree(ref.cpu, got, 'folded interleave');
    for (const t of [x, w, dy, ...out]) t.dispose();
  });
});
