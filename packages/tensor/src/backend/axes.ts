import type { Shape } from '../core/shape.js';

/**
 * Merges adjacent axes that every operand walks contiguously and drops size-1 axes, so that
 * strided loops (CPU) and kernels (WebGPU) run over as few, as long axes as possible. `strides`
 * are per operand, in elements, 0 on broadcast axes. A shape of only size-1 axes collapses to
 * rank 0 (one element).
 */
export function collapseAxes(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => out[k]![last] === s[i]! * d)) {
      dims[last] = dims[last]! * d;
      strides.forEach((s, k) => {
        out[k]![last] = s[i]!;
      });
    } else {
      dims.push(d);
      strides.forEach((s, k) => {
        out[k]!.push(s[i]!);
      });
    }
  }
  return { shape: dims, strides: out };
}

/** Strides of `inShape` laid out against a broadcast `outShape` (0 where broadcast). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const r = outShape.length;
  const s = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    s[r - inShape.length + i] = inShape[i] === 1 ? 0 : acc;
    acc *= inShape[i]!;
  }
  return s;
}
