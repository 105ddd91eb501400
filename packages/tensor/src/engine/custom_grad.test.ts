import { describe, expect, it } from 'vitest';
import {
  customGrad,
  dispose,
  memory,
  mul,
  sum,
  type Tensor,
  tensor,
  tidy,
  valueAndGrads,
} from '../index.js';

// y = x³·w, elementwise, with its gradient written out by hand.
const cubeTimes = customGrad(([x, w], save) => {
  const x2 = mul(x!, x!);
  save(x2);
  return {
    value: mul(mul(x2, x!), w!),
    gradFunc: (dy) => [mul(dy, mul(mul(x2, w!), 3)), mul(dy, mul(x2, x!))],
  };
});

const xs = [0.3, -1.2, 0.7, 2.1, -0.4, 1.5];
const ws = [1.1, -0.6, 0.9, 0.2, -1.3, 0.5];
const weights = [0.7, -1.9, 0.4, 1.3, -0.2, 0.8];

/** Σ weights·x³·w in float64: the definition the gradient is checked against. */
function loss(x: readonly number[], w: readonly number[]): number {
  return x.reduce((s, v, i) => s + weights[i]! * v ** 3 * w[i]!, 0);
}

function fd(which: 0 | 1, h = 1e-4): number[] {
  return xs.map((_, i) => {
    const up = [[...xs], [...ws]] as [number[], number[]];
    const down = [[...xs], [...ws]] as [number[], number[]];
    up[which][i]! += h;
    down[which][i]! -= h;
    return (loss(...up) - loss(...down)) / (2 * h);
  });
}

describe('customGrad', () => {
  it('backprops through the given gradient, which matches finite differences', () => {
    const x = tensor(xs, [2, 3]);
    const w = tensor(ws, [2, 3]);
    const wt = tensor(weights, [2, 3]);
    const before = memory().numTensors;
    // The inner tidy ends before backprop: the saved x² must outlive it.
    const { value, grads } = valueAndGrads(() => tidy(() => sum(mul(cubeTimes(x, w), wt))), [x, w]);
    expect(value.dataSync()[0]).toBeCloseTo(loss(xs, ws), 4);
    const [gx, gw] = grads as [Tensor, Tensor];
    Array.from(gx.dataSync()).forEach((g, i) => {
      expect(g).toBeCloseTo(fd(0)[i]!, 3);
    });
    Array.from(gw.dataSync()).forEach((g, i) => {
      expect(g).toBeCloseTo(fd(1)[i]!, 3);
    });
    dispose([value, ...grads]);
    expect(memory().numTensors).toBe(before);
    dispose([x, w, wt]);
  });

  it('just computes the value outside a recording', () => {
    const x = tensor([2], [1]);
    const w = tensor([3], [1]);
    const before = memory().numTensors;
    const y = cubeTimes(x, w);
    expect(y.dataSync()[0]).toBe(24);
    // The value and x³ (an ordinary intermediate, tidy's to free) are left; the saved x² is not.
    expect(memory().numTensors).toBe(before + 2);
    dispose([x, w, y]);
  });

  it('names a gradient count that does not match the inputs', () => {
    const bad = customGrad(([x]) => ({ value: mul(x!, 2), gradFunc: () => [] }));
    const x = tensor([1, 2], [2]);
    expect(() => valueAndGrads(() => sum(bad(x)), [x])).toThrow(
      'customGrad: gradFunc returned 0 gradients for 1 inputs',
    );
    expect(() => bad(x, 3 as unknown as Tensor)).toThrow(
      'customGrad: input 1 must be a Tensor, got number',
    );
    x.dispose();
  });
});
