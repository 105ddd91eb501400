/**
 * The equal-budget arithmetic of paper.md §1.4–§1.5 for one layer with G channels in and out
 * and kernel size S = k·k (9 for 3×3). Parameters and multiply-adds per output position are
 * the same number, so "same budget" means both.
 */

/** Parameters of a regular conv of width C: C²·S. */
export function regularConvParams(C: number, S = 9): number {
  return C * C * S;
}

/** Parameters of an IGC block with L primary and M secondary partitions: L·M²·S + M·L². */
export function igcParams(L: number, M: number, S = 9): number {
  return L * M * M * S + M * L * L;
}

/** The regular-conv width with budget T: √(T/S) (real-valued). */
export function regularWidthAtBudget(T: number, S = 9): number {
  return Math.sqrt(T / S);
}

/**
 * The IGC width G reachable with L primary partitions at budget T (M = G/L real-valued): the
 * positive root of (S/L)·G² + L·G − T = 0.
 */
export function igcWidthAtBudget(L: number, T: number, S = 9): number {
  const a = S / L;
  return (-L + Math.sqrt(L * L + 4 * a * T)) / (2 * a);
}

/**
 * The widest IGC at budget T over real L: L = M·S (primary and secondary carry equal
 * parameters), G* = (T²/(4S))^{1/3}.
 */
export function optimalIgcAtBudget(T: number, S = 9): { G: number; L: number; M: number } {
  const G = Math.cbrt((T * T) / (4 * S));
  const L = Math.sqrt(S * G);
  return { G, L, M: G / L };
}

/** An integer IGC configuration at a budget. */
export interface IgcChoice {
  L: number;
  M: number;
  /** G = L·M. */
  width: number;
  /** Its parameters, L·M²·S + M·L². */
  params: number;
  /** The budget it had to fit, C²·S. */
  budget: number;
}

/**
 * The widest IGC (integer L ≥ 2, M ≥ 1) whose parameters do not exceed those of a regular conv
 * of width C with kernel size S (equal budgets, §1.5). Ties in width go to the configuration
 * closest to the budget, then to the smaller L. L = 1 is left out: it is the regular conv itself.
 */
export function widestIgcAtBudget(C: number, S = 9): IgcChoice {
  const budget = regularConvParams(C, S);
  let best: IgcChoice | undefined;
  for (let L = 2; igcParams(L, 1, S) <= budget; L++) {
    // The largest M that fits for this L.
    let M = 0;
    while (igcParams(L, M + 1, S) <= budget) M++;
    if (M < 1) continue;
    const cand: IgcChoice = { L, M, width: L * M, params: igcParams(L, M, S), budget };
    if (
      !best ||
      cand.width > best.width ||
      (cand.width === best.width && cand.params > best.params)
    )
      best = cand;
  }
  if (!best)
    throw new Error(`widestIgcAtBudget: no IGC with L ≥ 2 fits the budget of a width-${C} conv`);
  return best;
}

/** Whether an IGC with L partitions is wider than a regular conv at the same budget: L/(L−1) < M·S. */
export function isWiderThanRegular(L: number, M: number, S = 9): boolean {
  return L > 1 && L / (L - 1) < M * S;
}
