import { type Padding, type Pair, resolvePadding, resolvePair, windowOut } from '@igcnet/tensor';

/**
 * Shape arithmetic of window ops (conv, pooling), from the tensor package's own op checks, so
 * that modules infer shapes and count multiply-adds without running anything and can never
 * disagree with the ops.
 */

/** A pair given as one number or [height, width], as [h, w]. */
export function pairOf(v: Pair): [number, number] {
  return resolvePair(v, 1, 'layers', 'size');
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
  return resolvePadding(p, inH, inW, kernel[0], kernel[1], stride, dilation, 'layers');
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
  const who = `a ${kernel.join('×')} window on a ${inH}×${inW} input`;
  return [
    windowOut(inH, kernel[0], stride[0], dilation[0], t, b, who, 'vertical'),
    windowOut(inW, kernel[1], stride[1], dilation[1], l, r, who, 'horizontal'),
  ];
}

/** Checks a positive integer setting. */
export function assertPositiveInt(v: number, who: string, what: string): void {
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`${who}: ${what} must be a positive integer, got ${v}`);
}
