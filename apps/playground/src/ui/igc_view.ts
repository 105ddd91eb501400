import {
  igcParams,
  interleaveDestination,
  isWiderThanRegular,
  regularConvParams,
  regularWidthAtBudget,
} from '@igcnet/layers';

const SVG = 'http://www.w3.org/2000/svg';

/** A count with thousands separators: 20,602. */
export const fmtCount = (n: number): string => Math.round(n).toLocaleString('en-US');
/** Channels beyond which the drawing would be a blur; the numbers are still given. */
export const MAX_DRAWN_CHANNELS = 96;

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Colour of primary partition l of L. */
function hue(l: number, L: number): string {
  return `hsl(${Math.round((360 * l) / L)}, 70%, 50%)`;
}

/**
 * Draws one IGC block with L primary partitions of M channels (paper.md §1): the primary 3×3
 * group conv (one box per partition), the interleaving permutation P^T (lines), the secondary
 * 1×1 group conv over M partitions of L channels (one box per partition, each holding one
 * channel of every primary partition, hence the colours), and the permutation back. Channels are
 * coloured by the primary partition they come from.
 */
export function drawIgcBlock(svg: SVGSVGElement, L: number, M: number): void {
  svg.replaceChildren();
  const C = L * M;
  if (C > MAX_DRAWN_CHANNELS) {
    svg.setAttribute('viewBox', '0 0 640 40');
    svg.append(
      el(
        'text',
        { x: 10, y: 24, class: 'note' },
        `${C} channels are too many to draw (at most ${MAX_DRAWN_CHANNELS}); the figures below still hold.`,
      ),
    );
    return;
  }
  const row = Math.max(4, Math.min(14, 440 / C));
  const top = 34;
  const height = top + C * row + 10;
  const cols = [20, 150, 300, 430, 580];
  const box = 16;
  svg.setAttribute('viewBox', `0 0 620 ${height}`);
  const y = (i: number) => top + i * row + row / 2;
  const labels = ['input', 'primary conv', 'interleave P\u1d40', 'secondary conv', 'P back'];
  const xs = [
    cols[0]!,
    (cols[0]! + cols[1]!) / 2,
    (cols[1]! + cols[2]!) / 2,
    (cols[2]! + cols[3]!) / 2,
    (cols[3]! + cols[4]!) / 2,
  ];
  labels.forEach((t, i) => {
    svg.append(el('text', { x: xs[i]! - 20, y: 14, class: 'label' }, t));
  });
  svg.append(el('text', { x: cols[4]! - 10, y: 14, class: 'label' }, 'output'));
  const fwd = interleaveDestination(C, L); // primary order → secondary order
  // Group boxes: L primary partitions of M channels, M secondary partitions of L channels.
  const groupBox = (
    from: number,
    to: number,
    g: number,
    size: number,
    colour: string,
    kind: string,
  ) =>
    el('rect', {
      x: from + 14,
      y: top + g * size * row + 1,
      width: to - from - 28,
      height: size * row - 2,
      rx: 3,
      fill: colour,
      'fill-opacity': 0.15,
      stroke: colour,
      class: kind,
    });
  for (let l = 0; l < L; l++) svg.append(groupBox(cols[0]!, cols[1]!, l, M, hue(l, L), 'primary'));
  for (let m = 0; m < M; m++) svg.append(groupBox(cols[2]!, cols[3]!, m, L, '#888', 'secondary'));
  for (let i = 0; i < C; i++) {
    const l = Math.floor(i / M);
    const j = fwd[i]!;
    const colour = hue(l, L);
    // Interleave: primary position i → secondary position j; the way back mirrors it.
    const link = (x1: number, y1: number, x2: number, y2: number, opacity: number) =>
      el('line', { x1, y1, x2, y2, stroke: colour, 'stroke-width': 1, 'stroke-opacity': opacity });
    svg.append(link(cols[1]! + box / 2, y(i), cols[2]! - box / 2, y(j), 1));
    svg.append(link(cols[3]! + box / 2, y(j), cols[4]! - box / 2, y(i), 0.5));
    for (const [x, at] of [
      [cols[0]!, i],
      [cols[1]!, i],
      [cols[2]!, j],
      [cols[3]!, j],
      [cols[4]!, i],
    ] as const) {
      svg.append(
        el('rect', {
          x: x - box / 2,
          y: y(at) - row * 0.4,
          width: box,
          height: row * 0.8,
          fill: colour,
        }),
      );
    }
  }
}

/** The figures of an IGC block at a budget, for one layer of H×W outputs. */
export interface IgcFigures {
  channels: number;
  primaryParams: number;
  secondaryParams: number;
  params: number;
  macs: number;
  /** Width of the regular 3×3 conv with the same parameters (real-valued, √(T/9)). */
  regularWidth: number;
  /** Parameters of a regular 3×3 conv as wide as the block. */
  regularSameWidthParams: number;
  wider: boolean;
}

/** The analyzer's figures for L, M and H×W outputs (3×3 primary kernels). */
export function igcFigures(L: number, M: number, hw: number): IgcFigures {
  const params = igcParams(L, M, 9);
  return {
    channels: L * M,
    primaryParams: L * M * M * 9,
    secondaryParams: M * L * L,
    params,
    macs: params * hw,
    regularWidth: regularWidthAtBudget(params, 9),
    regularSameWidthParams: regularConvParams(L * M, 9),
    wider: isWiderThanRegular(L, M, 9),
  };
}

/** The figures as table rows [what, value]. */
export function figureRows(f: IgcFigures, L: number, M: number, side: number): [string, string][] {
  return [
    ['channels C = L·M', String(f.channels)],
    [`primary: ${L} × (3×3 conv, ${M}→${M})`, `${fmtCount(f.primaryParams)} parameters`],
    [`secondary: ${M} × (1×1 conv, ${L}→${L})`, `${fmtCount(f.secondaryParams)} parameters`],
    ['IGC block, L·M²·9 + M·L²', `${fmtCount(f.params)} parameters`],
    [`multiply-adds at ${side}×${side}`, fmtCount(f.macs)],
    ['regular 3×3 conv, same parameters', `${f.regularWidth.toFixed(1)} channels wide`],
    ['regular 3×3 conv, same width', `${fmtCount(f.regularSameWidthParams)} parameters`],
    [
      'wider than a regular conv at equal budget?',
      f.wider
        ? `yes: ${(f.channels / f.regularWidth).toFixed(2)}× (L/(L−1) < M·9)`
        : 'no (L/(L−1) ≥ M·9, or L = 1)',
    ],
  ];
}
