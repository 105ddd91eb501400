import { dispose, tensor, type Variable, variable } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { excludeBnAndBias, SGD } from './sgd.js';

/** PyTorch's SGD, written out: the reference the fused kernel must follow. */
function reference(
  p: number[],
  grads: number[][],
  o: { lr: number; momentum: number; dampening: number; nesterov: boolean; wd: number },
): number[] {
  let buf: number[] | undefined;
  for (const g0 of grads) {
    const d = g0.map((g, i) => g + o.wd * p[i]!);
    let step = d;
    if (o.momentum !== 0) {
      buf = buf ? buf.map((b, i) => o.momentum * b + (1 - o.dampening) * d[i]!) : [...d];
      step = o.nesterov ? d.map((x, i) => x + o.momentum * buf![i]!) : buf;
    }
    p = p.map((x, i) => x - o.lr * step[i]!);
  }
  return p;
}

describe('SGD', () => {
  const grads = [
    [0.5, -1, 2],
    [0.1, 0.3, -0.7],
    [-2, 1, 0.25],
  ];
  for (const cfg of [
    { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, wd: 0 },
    { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, wd: 1e-2 },
    { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, wd: 1e-4 },
    { lr: 0.1, momentum: 0.5, dampening: 0.3, nesterov: false, wd: 0 },
  ]) {
    it(`matches PyTorch's update (${JSON.stringify(cfg)})`, () => {
      const p = variable(tensor([1, -2, 3]));
      const opt = new SGD([['w', p]], {
        lr: cfg.lr,
        momentum: cfg.momentum,
        dampening: cfg.dampening,
        nesterov: cfg.nesterov,
        weightDecay: cfg.wd,
      });
      for (const g of grads) {
        const gt = tensor(g);
        opt.step([gt]);
        gt.dispose();
      }
      const want = reference([1, -2, 3], grads, cfg);
      for (const [i, v] of Array.from(p.dataSync()).entries()) expect(v).toBeCloseTo(want[i]!, 5);
      opt.dispose();
      p.dispose();
    });
  }

  it('can exempt biases and BN parameters from weight decay', () => {
    const w = variable(tensor([[1, 1]]));
    const b = variable(tensor([1, 1]));
    const opt = new SGD(
      [
        ['w', w],
        ['b', b],
      ] as [string, Variable][],
      { lr: 1, weightDecay: 0.5, noWeightDecay: excludeBnAndBias },
    );
    const gw = tensor([[0, 0]]);
    const gb = tensor([0, 0]);
    opt.step([gw, gb]);
    expect(Array.from(w.dataSync())).toEqual([0.5, 0.5]);
    expect(Array.from(b.dataSync())).toEqual([1, 1]);
    dispose([w, b, gw, gb]);
    opt.dispose();
  });

  it('rejects a wrong number of gradients', () => {
    const w = variable(tensor([1]));
    const opt = new SGD([['w', w]], { lr: 1 });
    expect(() => opt.step([])).toThrow(/got 0 gradients for 1 parameters/);
    w.dispose();
  });
});
