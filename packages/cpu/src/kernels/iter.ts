/**
 * Calls `inner(offsets, len, innerStrides)` for every run along the last axis of a shape that
 * `collapseAxes` (`@igcnet/tensor/backend`) collapsed. Offsets are per operand. Rank 0 (every
 * axis was 1) is one run of one element.
 */
export function forEachRun(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  inner: (offsets: number[], len: number, innerStrides: number[]) => void,
): void {
  if (shape.length === 0) {
    inner(
      strides.map(() => 0),
      1,
      strides.map(() => 0),
    );
    return;
  }
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
