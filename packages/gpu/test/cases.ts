/**
 * Kernel cases run both in Node and in the browser page (the same code, bundled for the page), so
 * that their results can be compared.
 */
import {
  avgPool2d,
  batchNorm,
  channelShuffle,
  conv2d,
  fusedConv2d,
  globalAvgPool,
  matmul,
  maxPool2d,
  mul,
  randomNormal,
  randomUniform,
  relu,
  softmax,
  softmaxCrossEntropy,
  sum,
  type Tensor,
  tensor,
  topk,
  transpose,
  valueAndGrads,
} from '@igcnet/tensor';

const rn = (s: number[], seed: number) => randomNormal(s, { seed });

export const CASES: { name: string; build: () => Tensor[] }[] = [
  {
    name: 'conv3x3-groups',
    build: () => [conv2d(rn([2, 8, 6, 6], 1), rn([8, 2, 3, 3], 2), { padding: 1, groups: 4 })],
  },
  {
    name: 'conv1x1-groups',
    build: () => [conv2d(rn([2, 8, 4, 4], 3), rn([8, 4, 1, 1], 4), { groups: 2 })],
  },
  {
    name: 'fused-conv-bn-relu',
    build: () => [
      fusedConv2d(rn([2, 8, 4, 4], 21), rn([8, 4, 1, 1], 22), {
        groups: 2,
        inShuffle: 4,
        outShuffle: 2,
        bias: rn([8], 23),
        bn: {
          gamma: rn([8], 24),
          beta: rn([8], 25),
          mean: rn([8], 26),
          variance: randomUniform([8], { seed: 27, min: 0.5, max: 2 }),
        },
        relu: true,
      }),
    ],
  },
  {
    name: 'matmul',
    build: () => [
      matmul(rn([9, 13], 5), rn([13, 7], 6)),
      matmul(rn([2, 5, 3], 7), rn([2, 4, 3], 8), { transposeB: true }),
    ],
  },
  {
    name: 'shuffle-transpose',
    build: () => [channelShuffle(rn([2, 12, 2, 2], 9), 3), transpose(rn([3, 4, 5], 10), [2, 0, 1])],
  },
  {
    name: 'pool',
    build: () => [
      maxPool2d(rn([2, 3, 6, 6], 11), { kernel: 3, stride: 2, padding: 1 }),
      avgPool2d(rn([2, 3, 6, 6], 12)),
    ],
  },
  {
    name: 'softmax-topk',
    build: () => [softmax(rn([4, 10], 13)), ...Object.values(topk(rn([3, 9], 14), 3))],
  },
  {
    name: 'igc-forward-backward',
    build: () => {
      const x = rn([2, 8, 5, 5], 15);
      const w1 = rn([8, 2, 3, 3], 16);
      const w2 = rn([8, 4, 1, 1], 17);
      const gamma = rn([8], 18);
      const beta = rn([8], 19);
      const wfc = rn([8, 3], 20);
      const labels = tensor(new Int32Array([2, 0]));
      const { value, grads } = valueAndGrads(() => {
        let y = channelShuffle(conv2d(x, w1, { padding: 1, groups: 4 }), 4);
        y = channelShuffle(conv2d(y, w2, { groups: 2 }), 2);
        y = relu(batchNorm(y, gamma, beta, { training: true }));
        return softmaxCrossEntropy(matmul(globalAvgPool(y), wfc), labels);
      }, [x, w1, w2, gamma, beta, wfc]);
      return [value, ...grads, sum(mul(x, x))];
    },
  },
];
