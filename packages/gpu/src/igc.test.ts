/**
 * A whole (tiny) IGC network, forward and backward, agrees with the CPU backend; and 200 training
 * steps of it keep the bytes held by live tensors plus the buffer pool flat.
 */
import {
  batchNorm,
  channelShuffle,
  conv2d,
  globalAvgPool,
  heNormal,
  matmul,
  memory,
  ones,
  randomNormal,
  relu,
  sgdUpdate,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  tidy,
  type Variable,
  valueAndGrads,
  variable,
  zeros,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { expectAgree, onBoth, useWebGpu } from '../test/util.js';

const L = 4;
const M = 2;
const C = L * M;
const CLASSES = 5;

interface Net {
  w1: Variable;
  w2: Variable;
  gamma: Variable;
  beta: Variable;
  wfc: Variable;
  params: Variable[];
}

function makeNet(): Net {
  const w1 = variable(heNormal([C, M, 3, 3], { seed: 1 }));
  const w2 = variable(heNormal([C, L, 1, 1], { seed: 2 }));
  const gamma = variable(ones([C]));
  const beta = variable(zeros([C]));
  const wfc = variable(heNormal([C, CLASSES], { seed: 3 }));
  return { w1, w2, gamma, beta, wfc, params: [w1, w2, gamma, beta, wfc] };
}

/** conv (L groups, 3×3) → interleave → conv (M groups, 1×1) → interleave back → BN → ReLU → pool → FC → loss. */
function loss(net: Net, x: Tensor, labels: Tensor): Tensor {
  let y = conv2d(x, net.w1, { padding: 1, groups: L });
  y = channelShuffle(y, L);
  y = conv2d(y, net.w2, { groups: M });
  y = channelShuffle(y, M);
  y = relu(batchNorm(y, net.gamma, net.beta, { training: true }));
  return softmaxCrossEntropy(matmul(globalAvgPool(y), net.wfc), labels);
}

describe('IGC network on WebGPU', () => {
  it('forward and backward agree with the CPU backend', async () => {
    const r = await onBoth(() => {
      const net = makeNet();
      const x = randomNormal([3, C, 6, 6], { seed: 4 });
      const labels = tensor(new Int32Array([0, 4, 2]));
      const { value, grads } = valueAndGrads(() => loss(net, x, labels), [x, ...net.params]);
      for (const p of net.params) p.dispose();
      return [value, ...grads];
    });
    expectAgree(r.cpu, r.gpu, 'igc loss and gradients');
  });

  it('keeps live + pooled bytes flat over 200 training steps', async () => {
    const backend = await useWebGpu();
    const net = makeNet();
    const vel = net.params.map((p) => variable(zeros(p.shape)));
    const x = randomNormal([2, C, 4, 4], { seed: 5 });
    const labels = tensor(new Int32Array([1, 3]));
    const held: number[] = [];
    const tensors: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      const l = tidy(() => {
        const { value, grads } = valueAndGrads(() => loss(net, x, labels), net.params);
        net.params.forEach((p, i) => {
          sgdUpdate(p, grads[i]!, vel[i]!, { lr: 0.05, momentum: 0.9 });
        });
        return value;
      });
      backend.flush();
      if (step % 50 === 0 || step === 199) losses.push(await l.item());
      l.dispose();
      const m = memory();
      held.push(m.numBytes + m.pooledBytes);
      tensors.push(m.numTensors);
    }
    // After the first steps have filled the pool, nothing grows.
    const settled = held[5]!;
    expect(Math.max(...held.slice(5))).toBe(settled);
    expect(new Set(tensors.slice(1)).size).toBe(1);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    for (const t of [x, labels, ...net.params, ...vel]) t.dispose();
  });
});
