import {
  dispose,
  memory,
  Random,
  randomNormal,
  sum,
  tensor,
  tidy,
  valueAndGrads,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test_util.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { ReLU6 } from './relu.js';

describe('Dropout', () => {
  it('zeroes about rate of the values in training, scales the rest, and passes x in eval', () => {
    const d = new Dropout(0.25, { seed: 3 });
    const x = randomNormal([16, 512], { seed: 1 });
    const y = d.forward(x);
    const xv = x.dataSync();
    const yv = y.dataSync();
    let zeros = 0;
    for (let i = 0; i < xv.length; i++) {
      if (yv[i] === 0) zeros++;
      else expect(yv[i]).toBeCloseTo(xv[i]! / 0.75, 5);
    }
    expect(Math.abs(zeros / xv.length - 0.25)).toBeLessThan(0.02);
    d.eval();
    const z = d.forward(x);
    expect(maxAbsDiff(z, x)).toBe(0);
    // The eval result is a view: it outlives the input.
    x.dispose();
    expect(z.dataSync().length).toBe(16 * 512);
    dispose([y, z]);
    d.dispose();
  });

  it('draws a new mask per step, reproducibly from its seed and saved key', () => {
    const x = randomNormal([4, 64], { seed: 2 });
    const a = new Dropout(0.5, { seed: 11 });
    const b = new Dropout(0.5, { seed: 11 });
    const a1 = a.forward(x);
    const a2 = a.forward(x);
    const b1 = b.forward(x);
    expect(maxAbsDiff(a1, b1)).toBe(0);
    expect(maxAbsDiff(a1, a2)).toBeGreaterThan(0);
    expect(Array.from(a.key.dataSync())).toEqual([11, 2]);
    // A module restored from a's key continues with a's next mask.
    const c = new Dropout(0.5, { seed: 99 });
    c.loadStateDict({ key: a.key });
    const a3 = a.forward(x);
    const c3 = c.forward(x);
    expect(maxAbsDiff(a3, c3)).toBe(0);
    expect(a.stateDict().get('key')?.dtype).toBe('int32');
    dispose([x, a1, a2, b1, a3, c3]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('takes its seed from the init stream, differentiates and keeps memory flat', () => {
    const s1 = new Dropout(0.1, { rng: new Random(5) });
    const s2 = new Dropout(0.1, { rng: new Random(5) });
    expect(Array.from(s1.key.dataSync())).toEqual(Array.from(s2.key.dataSync()));
    const x = randomNormal([3, 10], { seed: 6 });
    const step = () =>
      tidy(() => {
        const { grads } = valueAndGrads(() => sum(s1.forward(x)), [x]);
        const g = grads[0]!.dataSync();
        for (const v of g) expect([0, 1 / 0.9].map(Math.fround)).toContain(v);
      });
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
    expect(() => new Dropout(1)).toThrow('rate must be in [0, 1)');
    expect(() => new Dropout(0.5, { seed: 1.5 })).toThrow('seed must be an integer');
    dispose(x);
    s1.dispose();
    s2.dispose();
  });
});

describe('ReLU6 and the He-normal classifier', () => {
  it('ReLU6 clips to [0, 6]', () => {
    const x = tensor([-2, 0, 3, 6, 9], [5]);
    const y = new ReLU6().forward(x);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 3, 6, 6]);
    dispose([x, y]);
  });

  it("Linear's he-normal init has std √(2/in)", () => {
    const fc = new Linear(1280, 100, { weightInit: 'he-normal', rng: new Random(4) });
    const v = fc.weight.dataSync();
    let s2 = 0;
    for (const a of v) s2 += a * a;
    expect(Math.sqrt(s2 / v.length)).toBeCloseTo(Math.sqrt(2 / 1280), 3);
    expect(Array.from(fc.bias!.dataSync()).every((b) => b === 0)).toBe(true);
    fc.dispose();
  });
});
