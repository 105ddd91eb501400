import type { Tensor } from '@igcnet/tensor';

/** Largest |a − b| over two tensors of the same shape (CPU; test helper). */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join())
    throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/** Largest |a| over a tensor. */
export function maxAbs(a: Tensor): number {
  let m = 0;
  for (const v of a.dataSync()) m = Math.max(m, Math.abs(v));
  return m;
}
