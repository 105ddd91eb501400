/**
 * Every kernel of the contract against the CPU backend (the reference), within 1e-4 relative to
 * the largest reference magnitude, on small shapes (SwiftShader runs shaders on the CPU).
 */
import {
  add,
  argmax,
  avgPool2d,
  batchNorm,
  cast,
  channelShuffle,
  clone,
  concat,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  div,
  exp,
  greaterEqual,
  KERNEL_NAMES,
  log,
  logSoftmax,
  matmul,
  max,
  maximum,
  maxPool2d,
  mul,
  neg,
  oneHot,
  pad,
  pow,
  randomNormal,
  randomUniform,
  relu,
  sgdUpdate,
  slice,
  softmax,
  softmaxCrossEntropy,
  sqrt,
  square,
  step,
  sub,
  sum,
  type Tensor,
  tensor,
  topk,
  transpose,
  valueAndGrads,
  variable,
  zeros,
} from '@igcnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAgree, onBoth, useWebGpu } from '../../test/util.js';
import { webgpuKernels } from '../register.js';

const rn = (shape: number[], seed: number, std = 1) => randomNormal(shape, { seed, std });
const ints = (shape: number[], seed: number, lo: number, hi: number) =>
  cast(randomUniform(shape, { seed, min: lo, max: hi }), 'int32');

async function agree(what: string, build: () => Tensor | Tensor[], rtol = 1e-4): Promise<void> {
  const r = await onBoth(build);
  expectAgree(r.cpu, r.gpu, what, rtol);
}

beforeAll(async () => {
  await useWebGpu();
});

describe('webgpu kernels agree with the CPU backend', () => {
  it('implements every kernel of the contract', () => {
    expect(KERNEL_NAMES.filter((k) => !webgpuKernels[k])).toEqual([]);
  });

  it('binary elementwise with broadcasting, float32 and int32', async () => {
    const ops = { add, sub, mul, div, maximum, greaterEqual };
    for (const [name, f] of Object.entries(ops)) {
      await agree(`${name} same`, () => f(rn([3, 5], 1), rn([3, 5], 2)));
      await agree(`${name} bcast`, () => f(rn([2, 1, 4], 3), rn([3, 1], 4)));
      await agree(`${name} scalar`, () => f(rn([7], 5), rn([1], 6)));
      await agree(`${name} int32`, () => f(ints([2, 3, 4], 7, -20, 20), ints([3, 1], 8, 1, 6)));
    }
    await agree('int32 floor div by negatives', () =>
      div(ints([4, 4], 9, -30, 30), ints([4], 10, -5, -1)),
    );
  });

  it('unary elementwise, PowScalar, Cast, Identity', async () => {
    const x = () => rn([4, 6], 11);
    const pos = () => randomUniform([4, 6], { seed: 12, min: 0.1, max: 3 });
    await agree('neg', () => neg(x()));
    await agree('relu', () => relu(x()));
    await agree('step', () => step(x()));
    await agree('exp', () => exp(x()));
    await agree('log', () => log(pos()));
    await agree('sqrt', () => sqrt(pos()));
    await agree('square', () => square(x()));
    await agree('int neg/square', () => [neg(ints([9], 13, -9, 9)), square(ints([9], 14, -9, 9))]);
    for (const e of [2, 3, 0.5, -1, -2, 1.5])
      await agree(`pow ${e}`, () => pow(e % 1 === 0 ? x() : pos(), e));
    await agree('cast', () => [cast(mul(x(), 5), 'int32'), cast(ints([5], 15, -9, 9), 'float32')]);
    await agree('identity', () => clone(x()));
  });

  it('reductions', async () => {
    const x = () => rn([3, 4, 5, 6], 21);
    await agree('sum all', () => sum(x()));
    await agree('sum axes', () => [
      sum(x(), [0, 2, 3]),
      sum(x(), [1], { keepDims: true }),
      sum(x(), [3]),
      sum(x(), [0, 2]),
    ]);
    await agree('sum long', () => sum(rn([2, 3000], 22), [1]));
    await agree('max', () => [max(x(), [1, 3]), max(x()), max(rn([2, 500], 23), [1])]);
    await agree('int sum/max', () => [
      sum(ints([3, 40], 24, -50, 50), [1]),
      max(ints([3, 40], 25, -50, 50), [0]),
    ]);
    await agree('argmax', () => [
      argmax(x(), 1),
      argmax(x(), -1),
      argmax(ints([4, 7], 26, 0, 3), 1),
    ]);
  });

  it('layout: transpose, concat, slice, pad, channelShuffle', async () => {
    const x = () => rn([2, 3, 4, 5], 31);
    await agree('transpose', () => [
      transpose(x(), [0, 2, 3, 1]),
      transpose(x(), [3, 1, 0, 2]),
      transpose(rn([4, 6], 32)),
    ]);
    await agree('concat', () => [
      concat([x(), rn([2, 1, 4, 5], 33)], 1),
      concat([x(), x()], 3),
      concat([ints([2, 2], 34, 0, 9), ints([1, 2], 35, 0, 9)], 0),
    ]);
    await agree('slice', () => [
      slice(x(), [1, 0, 1, 2], [1, 3, 2, 3]),
      slice(x(), [0, 1, 0, 0], [2, 1, 4, 5]),
    ]);
    await agree('pad', () => [
      pad(
        x(),
        [
          [0, 0],
          [1, 0],
          [1, 2],
          [0, 1],
        ],
        0.5,
      ),
      pad(
        ints([3, 3], 36, 0, 9),
        [
          [1, 1],
          [0, 2],
        ],
        -3,
      ),
    ]);
    await agree('channelShuffle', () => [
      channelShuffle(rn([2, 12, 3, 3], 37), 4),
      channelShuffle(rn([2, 12, 3, 3], 37), 3),
      channelShuffle(rn([3, 6], 38), 2),
    ]);
  });

  it('matmul, batched, transposed, broadcast', async () => {
    await agree('2d', () => matmul(rn([5, 7], 41), rn([7, 3], 42)));
    await agree('2d big k', () => matmul(rn([3, 700], 43), rn([700, 5], 44)));
    await agree('tA tB', () => [
      matmul(rn([7, 5], 45), rn([7, 3], 46), { transposeA: true }),
      matmul(rn([5, 7], 47), rn([3, 7], 48), { transposeB: true }),
      matmul(rn([7, 5], 49), rn([3, 7], 50), { transposeA: true, transposeB: true }),
    ]);
    await agree('batched', () => [
      matmul(rn([3, 4, 6], 51), rn([3, 6, 70], 52)),
      matmul(rn([1, 4, 6], 53), rn([3, 6, 5], 54)),
      matmul(rn([3, 4, 6], 55), rn([1, 6, 5], 56)),
    ]);
    await agree('large tile', () => matmul(rn([70, 40], 57), rn([40, 66], 58)));
    await agree('tiny output, long K', () => matmul(rn([4, 1100], 59), rn([1100, 3], 60)));
  });

  const convCases: { name: string; x: number[]; w: number[]; o: Parameters<typeof conv2d>[2] }[] = [
    { name: '3x3 pad1', x: [2, 4, 6, 6], w: [5, 4, 3, 3], o: { padding: 1 } },
    { name: 'group 3x3', x: [2, 8, 5, 5], w: [8, 2, 3, 3], o: { padding: 1, groups: 4 } },
    { name: '1x1 groups', x: [2, 8, 4, 4], w: [8, 4, 1, 1], o: { groups: 2 } },
    {
      name: 'depthwise stride 2',
      x: [1, 6, 7, 7],
      w: [6, 1, 3, 3],
      o: { padding: 1, groups: 6, stride: 2 },
    },
    {
      name: 'dilated asym pad',
      x: [2, 3, 7, 6],
      w: [4, 3, 3, 2],
      o: { padding: [1, 0, 2, 1], dilation: [2, 1] },
    },
    { name: '1x1 stride 2', x: [2, 4, 5, 5], w: [6, 4, 1, 1], o: { stride: 2 } },
    { name: '1x1 image prime ch', x: [3, 5, 1, 1], w: [7, 5, 1, 1], o: {} },
    { name: 'big K split', x: [4, 2, 12, 12], w: [3, 2, 3, 3], o: { padding: 1 } },
    {
      name: '1x1 small groups, long K (dot kernel)',
      x: [4, 8, 16, 16],
      w: [8, 2, 1, 1],
      o: { groups: 4 },
    },
  ];

  it('Conv2D (with and without bias)', async () => {
    for (const c of convCases) {
      await agree(`conv ${c.name}`, () => conv2d(rn(c.x, 61), rn(c.w, 62), c.o));
      await agree(`conv+bias ${c.name}`, () =>
        conv2d(rn(c.x, 61), rn(c.w, 62), { ...c.o, bias: rn([c.w[0]!], 63) }),
      );
    }
  });

  it('Conv2DBackpropInput and Conv2DBackpropFilter', async () => {
    for (const c of convCases) {
      await agree(`conv grads ${c.name}`, () => {
        const x = rn(c.x, 64);
        const w = rn(c.w, 65);
        const y = conv2d(x, w, c.o);
        const dy = rn([...y.shape], 66);
        const { grads } = valueAndGrads(() => sum(mul(conv2d(x, w, c.o), dy)), [x, w]);
        return grads;
      });
    }
    // The ops directly, with an input shape the forward output does not pin down (stride 2, odd).
    await agree('backprop ops', () => {
      const geometry = {
        stride: [2, 2] as const,
        pad: [1, 1, 1, 1] as const,
        dilation: [1, 1] as const,
        groups: 1,
      };
      return [
        conv2dBackpropInput(rn([1, 3, 4, 4], 67), rn([3, 2, 3, 3], 68), [1, 2, 8, 8], geometry),
        conv2dBackpropFilter(rn([1, 2, 8, 8], 69), rn([1, 3, 4, 4], 70), [3, 2, 3, 3], geometry),
      ];
    });
  });

  it('pooling forward and backward', async () => {
    const x = () => rn([2, 3, 7, 6], 71);
    const cases = [
      { kernel: 2 },
      { kernel: 3, stride: 2, padding: 1 },
      { kernel: [3, 2] as const, stride: 1, padding: [1, 0] as const },
    ];
    for (const o of cases) {
      await agree(`maxPool ${JSON.stringify(o)}`, () => {
        const xv = x();
        const y = maxPool2d(xv, o);
        const dy = rn([...y.shape], 72);
        return [y, valueAndGrads(() => sum(mul(maxPool2d(xv, o), dy)), [xv]).grads[0]!];
      });
      for (const countIncludePad of [true, false]) {
        await agree(`avgPool ${JSON.stringify(o)} ${countIncludePad}`, () => {
          const xv = x();
          const y = avgPool2d(xv, { ...o, countIncludePad });
          const dy = rn([...y.shape], 73);
          return [
            y,
            valueAndGrads(() => sum(mul(avgPool2d(xv, { ...o, countIncludePad }), dy)), [xv])
              .grads[0]!,
          ];
        });
      }
    }
  });

  it('batch norm: train, train grad, inference', async () => {
    for (const shape of [
      [4, 3, 5, 5],
      [6, 5],
    ]) {
      await agree(`bn ${shape}`, () => {
        const x = rn(shape, 81, 2);
        const c = shape[1]!;
        const gamma = rn([c], 82);
        const beta = rn([c], 83);
        const dy = rn(shape, 84);
        const { value, grads } = valueAndGrads(
          () => mul(batchNorm(x, gamma, beta, { training: true }), dy),
          [x, gamma, beta],
        );
        const rm = variable(rn([c], 85));
        const rv = variable(randomUniform([c], { seed: 86, min: 0.5, max: 2 }));
        const inf = batchNorm(x, gamma, beta, { training: false, runningMean: rm, runningVar: rv });
        rm.dispose();
        rv.dispose();
        return [value, ...grads, inf];
      });
    }
  });

  it('softmax, logSoftmax, cross-entropy (and its gradient), oneHot, topk', async () => {
    await agree('softmax', () => [
      softmax(rn([4, 10], 91, 3)),
      logSoftmax(rn([3, 100], 92, 3)),
      softmax(rn([2, 3, 5], 93)),
    ]);
    await agree('sce', () => {
      const logits = rn([5, 7], 94);
      const labels = tensor(new Int32Array([0, 6, 3, 3, 1]));
      const { value, grads } = valueAndGrads(() => softmaxCrossEntropy(logits, labels), [logits]);
      return [value, grads[0]!];
    });
    await agree('oneHot', () => oneHot(tensor(new Int32Array([0, 3, -1, 5, 2])), 4));
    await agree('topk', () => {
      const a = topk(tensor(new Float32Array([1, 3, 3, -1, 7, 3, Number.NaN, 0]), [2, 4]), 3);
      const b = topk(rn([3, 17], 95), 5);
      const c = topk(ints([2, 9], 96, 0, 4), 4);
      return [a.values, a.indices, b.values, b.indices, c.values, c.indices];
    });
  });

  it('SGDUpdate in place (momentum, nesterov, weight decay)', async () => {
    for (const o of [
      { lr: 0.1 },
      { lr: 0.05, momentum: 0.9, weightDecay: 1e-2 },
      { lr: 0.05, momentum: 0.9, nesterov: true, dampening: 0 },
    ]) {
      await agree(`sgd ${JSON.stringify(o)}`, () => {
        const p = variable(rn([3, 4], 101));
        const v = variable(rn([3, 4], 102));
        sgdUpdate(p, rn([3, 4], 103), v, o);
        sgdUpdate(p, rn([3, 4], 104), v, o);
        const out = [clone(p), clone(v)];
        p.dispose();
        v.dispose();
        return out;
      });
    }
  });

  it('zero-size tensors', async () => {
    await agree('empty', () => [add(zeros([0, 3]), zeros([0, 3])), sum(zeros([0, 4]), [0])]);
  });
});
