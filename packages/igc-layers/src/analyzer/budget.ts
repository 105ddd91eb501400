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

/**
 * Parameters of an IGCV2 block of width C (a channel-wise conv with kernel size S, then group
 * 1×1 convs with K_l channels per group): C·S + C·ΣK_l, i.e. C·(S + (L − 1)·K) when every
 * K_l = K. Multiply-adds per output position are the same number.
 */
export function igcv2Params(C: number, groupSizes: readonly number[], S = 9): number {
  return C * S + C * groupSizes.reduce((a, b) => a + b, 0);
}

/**
 * The group sizes K_2 … K_L of an IGCV2 block of width C with K channels per group: K as often as
 * it divides C, then the remaining factor r as one more conv when r > 1, so that the product is C
 * (the complementary condition). L = a + 1 (+ 1 for r) where C = K^a·r, which is log_K(C) + 1
 * when C is a power of K. Undefined when K does not divide C (2 ≤ K ≤ C).
 */
export function igcv2GroupSizes(C: number, K: number): number[] | undefined {
  if (!Number.isInteger(C) || !Number.isInteger(K) || K < 2 || K > C || C % K !== 0)
    return undefined;
  const sizes: number[] = [];
  let rest = C;
  while (rest % K === 0) {
    sizes.push(K);
    rest /= K;
  }
  if (rest > 1) sizes.push(rest);
  return sizes;
}

/** One IGCV2 block configuration at a width. */
export interface Igcv2Choice {
  /** Channels per group of the (first) group convs. */
  K: number;
  /** L: the channel-wise conv and the L − 1 group 1×1 convs. */
  L: number;
  /** K_2 … K_L. */
  groupSizes: number[];
  /** Parameters, `igcv2Params`. */
  params: number;
}

/**
 * Every IGCV2 block of width C that meets the complementary condition, one per divisor K ≥ 2 of
 * C (`igcv2GroupSizes`; K = C is the Xception block: one dense 1×1 conv, L = 2), fewest
 * parameters first (ties: fewer convs, then smaller K). The fewest sit near K = e, i.e. L ≈ ln(C) + 1: with equal K_l the
 * parameters C·(S + (L − 1)·C^{1/(L−1)}) are smallest there (the IGCV2 paper's analysis).
 */
export function igcv2Choices(C: number, S = 9): Igcv2Choice[] {
  const out: Igcv2Choice[] = [];
  for (let K = 2; K <= C; K++) {
    const groupSizes = igcv2GroupSizes(C, K);
    if (!groupSizes) continue;
    out.push({ K, L: groupSizes.length + 1, groupSizes, params: igcv2Params(C, groupSizes, S) });
  }
  return out.sort((a, b) => a.params - b.params || a.L - b.L || a.K - b.K);
}
