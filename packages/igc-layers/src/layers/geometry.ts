import type { Padding, Pair } from '@igcnet/tensor';

/**
 * Shape arithmetic of window ops (conv, pooling), mirrored from the tensor package's op checks
 * so that modules can infer shapes and count multiply-adds without running anything.
 */

/** A pair given as one number or [height, width], as [h, w]. */
export function pairOf(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Padding as [top, bottom, left, right] for one input size. */
export function paddingOf(
  p: Padding,
  inH: number,
  inW: number,
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
): [number, number, number, number] {
  if (p === 'valid') return [0, 0, 0, 0];
  if (p === 'same') {
    const axis = (size: number, k: number, s: number, d: number): [number, number] => {
      const total = Math.max(0, (Math.ceil(size / s) - 1) * s + d * (k - 1) + 1 - size);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    const [t, b] = axis(inH, kernel[0], stride[0], dilation[0]);
    const [l, r] = axis(inW, kernel[1], stride[1], dilation[1]);
    return [t, b, l, r];
  }
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[0], p[1], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

/** Output [h, w] of a window op. */
export function windowOutput(
  inH: number,
  inW: number,
  kernel: [number, number],
  stride: [number, number],
  padding: Padding,
  dilation: [number, number] = [1, 1],
): [number, number] {
  const [t, b, l, r] = paddingOf(padding, inH, inW, kernel, stride, dilation);
  const h = Math.floor((inH + t + b - dilation[0] * (kernel[0] - 1) - 1) / stride[0]) + 1;
  const w = Math.floor((inW + l + r - dilation[1] * (kernel[1] - 1) - 1) / stride[1]) + 1;
  if (h < 1 || w < 1)
    throw new Error(`a ${kernel.join('×')} window does not fit a ${inH}×${inW} input`);
  return [h, w];
}

/** Checks a positive integer setting. */
export function assertPositiveInt(v: number, who: string, what: string): void {
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`${who}: ${what} must be a positive integer, got ${v}`);
}
