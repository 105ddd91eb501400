/** A CIFAR/SVHN network of paper.md §2.1–§2.2. */
export interface CifarConfig {
  /** RegConv-W (`regular`, stem width W) or IGC-LxMy (`igc`, stem width L·M). */
  unit: { kind: 'regular'; width: number } | { kind: 'igc'; L: number; M: number };
  /** Counts the stem and the FC layer: plain nets 3B + 2, residual nets 6n + 2. */
  depth: number;
  /** "+Ident.": post-activation basic blocks with identity (or projection) shortcuts. */
  ident: boolean;
}

/** Stem width C₀: W, or L·M. */
export function baseWidth(c: CifarConfig): number {
  return c.unit.kind === 'regular' ? c.unit.width : c.unit.L * c.unit.M;
}

/**
 * Units per stage for a depth: B = (depth − 2)/3 layers for plain nets, n = (depth − 2)/6
 * blocks for residual nets. Throws for a depth the rule does not allow.
 */
export function unitsPerStage(depth: number, ident: boolean): number {
  const per = ident ? 6 : 3;
  if (!Number.isInteger(depth) || depth < per + 2 || (depth - 2) % per !== 0) {
    throw new Error(
      ident
        ? `a +Ident. CIFAR net needs depth = 6n + 2 with n ≥ 1 (8, 14, 20, 26, 32, 38, …), got ${depth}`
        : `a plain CIFAR net needs depth = 3B + 2 with B ≥ 1 (5, 8, 11, …, 20, 26, 38), got ${depth}`,
    );
  }
  return (depth - 2) / per;
}

/** The paper's name: `IGC-L24M2+Ident.`, `RegConv-W16`. */
export function cifarTitle(c: CifarConfig): string {
  const base =
    c.unit.kind === 'regular' ? `RegConv-W${c.unit.width}` : `IGC-L${c.unit.L}M${c.unit.M}`;
  return `${base}${c.ident ? '+Ident.' : ''} (depth ${c.depth})`;
}

/** The zoo name: `igc-l24m2-ident-d20`, `regconv-w16-d8`. */
export function cifarName(c: CifarConfig): string {
  const base =
    c.unit.kind === 'regular' ? `regconv-w${c.unit.width}` : `igc-l${c.unit.L}m${c.unit.M}`;
  return `${base}${c.ident ? '-ident' : ''}-d${c.depth}`;
}
