import type { Shape } from '../../core/shape.js';

/**
 * Collapses adjacent axes that every operand walks contiguously, so that loops run over as few,
 * as long axes as possible. `strides` are per operand, in elements, 0 on broadcast axes.
 */
export function collapse(
  shape: Shape,
  strides: number[][],
): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => st[k]![last] === s[i]! * d);
    if (mergeable) {
      dims[last] = dims[last]! * d;
      strides.forEach((s, k) => {
        st[k]![last] = s[i]!;
      });
    } else {
      dims.push(d);
      strides.forEach((s, k) => {
        st[k]!.push(s[i]!);
      });
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of st) s.push(0);
  }
  return { shape: dims, strides: st };
}

/** Strides of `inShape` laid out against a broadcast `outShape` (0 where broadcast). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const r = outShape.length;
  const s = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const oi = r - inShape.length + i;
    s[oi] = inShape[i] === 1 ? 0 : acc;
    acc *= inShape[i]!;
  }
  return s;
}

/**
 * Calls `inner(offsets, len, innerStrides)` for every run along the last (collapsed) axis.
 * Offsets are per operand.
 */
export function forEachRun(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  inner: (offsets: number[], len: number, innerStrides: number[]) => void,
): void {
  const r = shape.length;
  const len = shape[r - 1]!;
  const innerStrides = strides.map((s) => s[r - 1]!);
  const outer = shape.slice(0, r - 1);
  const idx = new Array<number>(outer.length).fill(0);
  const offsets = strides.map(() => 0);
  const total = outer.reduce((p, d) => p * d, 1);
  for (let n = 0; n < total; n++) {
    inner(offsets, len, innerStrides);
    for (let d = outer.length - 1; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < strides.length; k++) offsets[k]! += strides[k]![d]!;
      if (idx[d]! < outer[d]!) break;
      for (let k = 0; k < strides.length; k++) offsets[k]! -= strides[k]![d]! * outer[d]!;
      idx[d] = 0;
    }
  }
}
