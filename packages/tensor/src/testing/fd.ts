import { type Nd, nd } from './reference/nd.js';

/**
 * Central finite differences of L(xs) = Σ f(xs) ⊙ weights with respect to the inputs listed in
 * `wrt`, evaluated in float64 with the reference `f`: the backend's gradient is checked against
 * its definition, not against another implementation of the same formula. Random weights make
 * every output element matter, with different signs and sizes.
 */
export function fdGradients(
  f: (xs: readonly Nd[]) => Nd,
  inputs: readonly Nd[],
  weights: Nd,
  wrt: readonly number[],
  h = 1e-3,
): Nd[] {
  const loss = (): number => {
    const y = f(inputs);
    if (y.data.length !== weights.data.length) {
      throw new Error(`fd: output has ${y.data.length} elements, weights ${weights.data.length}`);
    }
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i]! * weights.data[i]!;
    return s;
  };
  return wrt.map((k) => {
    const x = inputs[k]!;
    const g = nd(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i]!;
      x.data[i] = v + h;
      const up = loss();
      x.data[i] = v - h;
      const down = loss();
      x.data[i] = v;
      g.data[i] = (up - down) / (2 * h);
    }
    return g;
  });
}
