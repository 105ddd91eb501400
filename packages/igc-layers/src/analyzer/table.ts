import type { ModelSummary } from './summary.js';

/** Options of `formatSummary`. */
export interface FormatSummaryOptions {
  /** Leave out rows without parameters or MACs (ReLU, interleaves, pooling). Defaults to false. */
  hideFree?: boolean;
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');

/**
 * A count in the paper's units: `1.814 G` from 10⁹ up, else millions with `digits` decimals
 * (`0.2748 M` for parameters, `28.8 M` for CIFAR MACs with digits = 1).
 */
export function fmtCount(n: number, digits = 4): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(3)} G`;
  return `${(n / 1e6).toFixed(digits)} M`;
}

/** The layer table of a summary, as fixed-width text, with totals at the bottom. */
export function formatSummary(s: ModelSummary, opts: FormatSummaryOptions = {}): string {
  const rows = s.rows.filter((r) => !opts.hideFree || r.params + r.bnParams + r.macs > 0);
  const header = ['layer', 'type', 'output', 'params', 'BN', 'MACs'];
  const body = rows.map((r) => [
    r.name,
    r.type,
    `[${r.outShape.join(',')}]`,
    fmtInt(r.params),
    fmtInt(r.bnParams),
    fmtInt(r.macs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = [false, false, false, true, true, true];
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    line(header),
    rule,
    ...body.map(line),
    rule,
    `input [${s.inputShape.join(',')}] → output [${s.outputShape.join(',')}]`,
    `params (conv + FC): ${fmtInt(s.params)} (${fmtCount(s.params)})`,
    `params + BN:        ${fmtInt(s.paramsWithBn)} (${fmtCount(s.paramsWithBn)})`,
    `MACs:               ${fmtInt(s.macs)} (${fmtCount(s.macs, 1)})`,
  ].join('\n');
}
