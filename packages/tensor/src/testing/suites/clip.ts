import { describe, expect } from 'vitest';
import { clip, clipGrad, relu6 } from '../../ops/elementwise.js';
import { expectClose } from '../compare.js';
import { distinct, randn, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import { unary } from '../reference/elementwise.js';
import { type Nd, nd } from '../reference/nd.js';

const clipRef = (x: Nd, lo: number, hi: number): Nd =>
  unary(x, (v) => Math.min(Math.max(v, lo), hi));

/** Clip (ReLU6 among its uses) and its one-pass gradient kernel ClipGrad. */
export function clipSuite(kit: Kit): void {
  describe('clip', () => {
    const BOUNDS: readonly (readonly [number, number])[] = [
      [0, 6],
      [-1.5, 0.25],
      [-Infinity, 1],
      [-2, Infinity],
      [0.5, 0.5],
    ];
    BOUNDS.forEach(([lo, hi], k) => {
      kit.test(`Clip to [${lo}, ${hi}] on [2,3,7]`, ['Clip'], async () => {
        const x = randn(kit.rng(2600 + k), [2, 3, 7], 4);
        await expectClose(clip(toTensor(x), lo, hi), clipRef(x, lo, hi), kit.opts, 'clip');
      });
    });
    kit.test('ReLU6 at its bounds, ±0, ±∞ and NaN', ['Clip'], async () => {
      const edge = [0, -0, 6, 6.5, -1, Infinity, -Infinity, Number.NaN, 3.25, 5.999999];
      const got = Array.from(await relu6(toTensor(nd([edge.length], edge))).data());
      // NaN stays NaN, as ReLU keeps it; −0 may come out as either zero.
      expect(got.map((v) => v + 0)).toEqual([
        0,
        0,
        6,
        6,
        0,
        6,
        0,
        Number.NaN,
        3.25,
        Math.fround(5.999999),
      ]);
    });
    kit.test('ClipGrad passes dy strictly inside the bounds only', ['ClipGrad'], async () => {
      const x = [-1, 0, 0.5, 6, 7, Number.NaN, 5.5, Infinity];
      const dy = [1, 2, 3, 4, 5, 6, Infinity, Number.NaN];
      const g = clipGrad(toTensor(nd([8], dy)), toTensor(nd([8], x)), 0, 6);
      // Outside (or on) the bounds the result is 0 even where dy is not finite.
      expect(Array.from(await g.data()).map((v) => v + 0)).toEqual([0, 0, 3, 0, 0, 0, Infinity, 0]);
    });
    kit.test('ClipGrad on [3,4,5] against its definition', ['ClipGrad'], async () => {
      const x = randn(kit.rng(2610), [3, 4, 5], 3);
      const dy = randn(kit.rng(2611), [3, 4, 5]);
      const want = nd(
        x.shape,
        Array.from(x.data, (v, i) => (v > -1 && v < 2 ? dy.data[i]! : 0)),
      );
      await expectClose(clipGrad(toTensor(dy), toTensor(x), -1, 2), want, kit.opts, 'clipGrad');
    });

    describe('gradients', () => {
      kit.test('d Clip against finite differences', ['Clip', 'ClipGrad'], async () => {
        // Distinct values 0.1 apart, offset from the bounds: no kink within a step.
        const x = distinct(kit.rng(2620), [4, 6], 0.1, 0.05);
        await checkGradients(
          kit,
          kit.rng(2621),
          {
            inputs: [x],
            wrt: [0],
            op: ([t]) => clip(t!, -0.8, 0.9),
            ref: ([v]) => clipRef(v!, -0.8, 0.9),
          },
          'd Clip',
        );
      });
      kit.test('d ClipGrad is ClipGrad of the upstream gradient', ['ClipGrad'], async () => {
        const x = distinct(kit.rng(2622), [3, 5], 0.1, 0.05);
        const dy = randn(kit.rng(2623), [3, 5]);
        const xt = toTensor(x);
        await checkGradients(
          kit,
          kit.rng(2624),
          {
            inputs: [dy],
            wrt: [0],
            op: ([d]) => clipGrad(d!, xt, -0.5, 0.5),
            ref: ([d]) =>
              nd(
                d!.shape,
                Array.from(d!.data, (v, i) => (x.data[i]! > -0.5 && x.data[i]! < 0.5 ? v : 0)),
              ),
          },
          'd ClipGrad',
        );
      });
    });

    kit.test('clip refuses bounds in the wrong order or NaN', ['Clip'], () => {
      const x = toTensor(nd([2], [1, 2]));
      expect(() => clip(x, 2, 1)).toThrow('clip: needs min ≤ max');
      expect(() => clip(x, Number.NaN, 1)).toThrow('clip: needs min ≤ max');
    });
  });
}
