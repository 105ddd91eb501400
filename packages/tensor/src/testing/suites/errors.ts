import { describe, expect } from 'vitest';
import { conv2d } from '../../ops/conv.js';
import { zeros } from '../../ops/creation.js';
import { add } from '../../ops/elementwise.js';
import { channelShuffle, pad } from '../../ops/layout.js';
import { softmaxCrossEntropy } from '../../ops/loss.js';
import { matmul } from '../../ops/matmul.js';
import { maxPool2d } from '../../ops/pool.js';
import type { Kit } from '../kit.js';

/**
 * Ops name the op, the shapes and what they expected. These checks run before any kernel, so they
 * hold on every backend; they are here because they are cheap and users meet them first.
 */
export function errorsSuite(kit: Kit): void {
  describe('error messages', () => {
    const CASES: readonly [string, () => unknown, string][] = [
      [
        'conv2d channel mismatch',
        () => conv2d(zeros([1, 30, 4, 4]), zeros([16, 8, 3, 3]), { groups: 4 }),
        'conv2d: input has 30 channels but the weight expects 32 (8 per group × 4 groups)',
      ],
      [
        'conv2d output channels not divisible by groups',
        () => conv2d(zeros([1, 6, 4, 4]), zeros([5, 2, 3, 3]), { groups: 3 }),
        "conv2d: the weight's 5 output channels cannot be split into 3 groups",
      ],
      [
        'conv2d window larger than the input',
        () => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3])),
        'does not fit an input of 2',
      ],
      [
        'matmul inner dimensions',
        () => matmul(zeros([2, 3]), zeros([4, 5])),
        'matmul: inner dimensions differ: a [2,3] has K = 3, b [4,5] has K = 4',
      ],
      [
        'add broadcasting',
        () => add(zeros([2, 3]), zeros([4])),
        'add: shapes [2,3] and [4] cannot be broadcast',
      ],
      [
        'channelShuffle groups',
        () => channelShuffle(zeros([1, 10, 2, 2]), 3),
        'channelShuffle: 10 channels cannot be split into 3 groups',
      ],
      [
        'cross-entropy float labels',
        () => softmaxCrossEntropy(zeros([2, 3]), zeros([2])),
        "softmaxCrossEntropy: 'labels' must be int32 class indices, got float32",
      ],
      [
        'maxPool padding as large as the window',
        () => maxPool2d(zeros([1, 1, 4, 4]), { kernel: 2, padding: 2 }),
        'must be smaller than the window',
      ],
      [
        'pad of an int32 tensor with a fraction',
        () => pad(zeros([2], 'int32'), [[1, 1]], 0.5),
        'pad: the value for an int32 tensor must be an int32 integer, got 0.5',
      ],
    ];
    for (const [name, fn, message] of CASES) {
      kit.test(name, [], () => {
        expect(fn).toThrow(message);
      });
    }
    kit.test('a disposed tensor names itself when used', ['Add'], () => {
      const t = zeros([2, 2]);
      t.dispose();
      expect(() => add(t, 1)).toThrow(/tensor #\d+ of shape \[2,2\] was disposed/);
    });
  });
}
