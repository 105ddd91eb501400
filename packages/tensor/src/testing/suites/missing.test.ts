import { describe, expect, it } from 'vitest';
import { leftOutOnTheWay } from './missing.js';

const missing = (k: string) => new Error(`Kernel '${k}' is not implemented by backend 'x'`);

describe('a missing-kernel test on a backend that leaves kernels out', () => {
  it('hands the kit the error of a left-out kernel met on the way (the kit skips the test)', () => {
    expect(leftOutOnTheWay(missing('Conv2D'), 'Conv2DBackpropFilter', new Set(['Conv2D']))).toBe(
      true,
    );
  });

  it('checks everything else: the kernel taken out, a kernel not left out, other errors', () => {
    const skip = new Set(['Conv2D'] as const);
    expect(leftOutOnTheWay(missing('Conv2DBackpropFilter'), 'Conv2DBackpropFilter', skip)).toBe(
      false,
    );
    expect(leftOutOnTheWay(missing('Sum'), 'Conv2DBackpropFilter', skip)).toBe(false);
    expect(leftOutOnTheWay(new Error('other'), 'Conv2DBackpropFilter', skip)).toBe(false);
    expect(leftOutOnTheWay(undefined, 'Conv2DBackpropFilter', skip)).toBe(false);
    expect(leftOutOnTheWay(missing('NotAKernel'), 'Conv2D', new Set())).toBe(false);
  });
});
