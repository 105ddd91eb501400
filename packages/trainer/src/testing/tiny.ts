import {
  add,
  batchNorm,
  flatten,
  matmul,
  ones,
  randomNormal,
  type Tensor,
  type Variable,
  variable,
  zeros,
} from '@igcnet/tensor';
import type { BatchSource, TrainableModel } from '../loop/model.js';
import { SGD } from '../optim/sgd.js';

/** A small classifier with a BN layer (so it has buffers), for the trainer's tests. */
export class TinyModel implements TrainableModel {
  training = true;
  readonly w: Variable;
  readonly b: Variable;
  readonly gamma = variable(ones([4]));
  readonly beta = variable(zeros([4]));
  readonly runningMean = variable(zeros([4]), { trainable: false });
  readonly runningVar = variable(ones([4]), { trainable: false });

  constructor(seed: number) {
    this.w = variable(randomNormal([4, 3], { seed, std: 0.5 }));
    this.b = variable(zeros([3]));
  }

  forward(x: Tensor): Tensor {
    const h = batchNorm(flatten(x), this.gamma, this.beta, {
      training: this.training,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
    });
    return add(matmul(h, this.w), this.b);
  }
  train(): void {
    this.training = true;
  }
  eval(): void {
    this.training = false;
  }
  namedParameters(): [string, Variable][] {
    return [
      ['fc.weight', this.w],
      ['fc.bias', this.b],
      ['bn.weight', this.gamma],
      ['bn.bias', this.beta],
    ];
  }
  namedBuffers(): [string, Variable][] {
    return [
      ['bn.running_mean', this.runningMean],
      ['bn.running_var', this.runningVar],
    ];
  }
  dispose(): void {
    for (const [, v] of [...this.namedParameters(), ...this.namedBuffers()]) v.dispose();
  }
}

/** Three linearly separable classes of 1×2×2 "images", shuffled per (seed, epoch). */
export function tinyData(n: number, batch: number, seed: number): BatchSource {
  const images = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let j = 0; j < 4; j++) images[i * 4 + j] = (j === c ? 2 : 0) + Math.sin(i * 7.3 + j) * 0.5;
  }
  return {
    batchesPerEpoch: Math.ceil(n / batch),
    async *epoch(epoch: number) {
      const order = Array.from({ length: n }, (_, i) => i);
      let s = (seed * 9973 + epoch * 7919) >>> 0;
      for (let i = n - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let b = 0; b < n; b += batch) {
        const idx = order.slice(b, b + batch);
        const im = new Float32Array(idx.length * 4);
        for (const [i, k] of idx.entries()) im.set(images.subarray(k * 4, k * 4 + 4), i * 4);
        yield {
          images: im,
          labels: Int32Array.from(idx, (k) => labels[k]!),
          shape: [idx.length, 1, 2, 2] as const,
        };
      }
    },
  };
}

/** A TinyModel and the paper's optimiser (SGD, Nesterov momentum 0.9, weight decay 1e-4). */
export function tinyTraining(seed: number): { model: TinyModel; optimizer: SGD } {
  const model = new TinyModel(seed);
  const optimizer = new SGD(model.namedParameters(), {
    lr: 0.1,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 1e-4,
  });
  return { model, optimizer };
}
