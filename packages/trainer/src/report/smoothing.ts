/**
 * TensorBoard's scalar smoothing: an exponential moving average with weight `weight` in [0, 1),
 * debiased so that the first points are not pulled towards 0 (each average is divided by
 * 1 − weight^k after k finite points). Non-finite values pass through and do not enter the
 * average. Self-contained: the report page runs this very function (by its source text).
 */
export function smoothEma(ys: readonly (number | null)[], weight: number): (number | null)[] {
  const out: (number | null)[] = [];
  let last = 0;
  let k = 0;
  for (const y of ys) {
    if (y === null || !Number.isFinite(y)) {
      out.push(y);
      continue;
    }
    last = last * weight + (1 - weight) * y;
    k++;
    out.push(weight === 0 ? y : last / (1 - weight ** k));
  }
  return out;
}
