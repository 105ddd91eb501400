import { formatSummary } from '@igcnet/layers';
import { describeModel, type ModelReport } from '@igcnet/models';
import { type Command, flag, UsageError } from '../command.js';
import { numeric, rangeNote } from './numeric-options.js';

function text(r: ModelReport, all: boolean): string {
  const lines = [
    `${r.name}: ${r.title}, ${r.dataset === 'cifar' ? 'CIFAR/SVHN' : 'ImageNet'}, ${r.numClasses} classes`,
    '',
    formatSummary(
      {
        inputShape: r.inputShape,
        outputShape: [r.numClasses],
        rows: r.layers,
        params: r.params,
        bnParams: r.bnParams,
        paramsWithBn: r.paramsWithBn,
        bufferElements: 0,
        macs: r.macs,
      },
      { hideFree: !all },
    ),
    '',
    `stem: ${r.stemWidth} channels${r.widthMultiplier !== undefined ? `, width multiplier ${r.widthMultiplier}` : ''}`,
  ];
  r.stages.forEach((s, i) => {
    const igc = s.L !== undefined ? `  (L=${s.L}, M=${s.M})` : '';
    const t =
      s.expansion !== undefined
        ? `, expansion ${s.expansion}${s.pointwiseGroups ? `, 1×1 convs in ${s.pointwiseGroups} groups` : ''}`
        : '';
    lines.push(`stage ${i + 1}: width ${s.width}, ${s.units} units, stride ${s.stride}${t}${igc}`);
  });
  if (r.headWidth !== undefined) lines.push(`head: 1×1 conv to ${r.headWidth} channels`);
  if (r.equalBudget) {
    const b = r.equalBudget;
    const n = (v: number) => v.toLocaleString('en-US');
    lines.push(
      `equal budget: one IGC-L${b.L}M${b.M} layer (G = ${b.width}) has ${n(b.layerParams)} params,` +
        ` as a regular 3×3 conv of width ${b.regularWidth.toFixed(2)}`,
    );
    if (b.igcv2.length > 0) {
      // The fewest-parameter blocks, and the Xception block (K = G, the most) for comparison.
      const shown = b.igcv2.slice(0, 4);
      const last = b.igcv2.at(-1)!;
      if (!shown.includes(last)) shown.push(last);
      lines.push(
        `IGCV2 blocks at G = ${b.width} (3×3 channel-wise conv, then L − 1 group 1×1 convs of K channels,` +
          ` L ≈ log_K(G) + 1; params G·(9 + ΣK_l)):`,
        ...shown.map(
          (c) =>
            `  K=${c.K}: L=${c.L}, groups of ${c.groupSizes.join('·')}, ${n(c.params)} params${c.L === 2 ? ' (Xception)' : ''}`,
        ),
      );
    }
  }
  if (r.reference) {
    const label = r.reference.label ?? 'paper.md';
    for (const c of r.checks) {
      const unit = c.scale === 1 ? '' : c.scale === 1e9 ? ' G' : ' M';
      lines.push(
        `reference ${c.quantity}: ${label} ${c.expected}${unit}, ours ${c.actual}${unit} ${c.ok ? '✓' : '✗'}`,
      );
    }
    const rep = r.reference.reported;
    if (rep) {
      const parts = [`#Params ${rep.params} M`];
      if (rep.top1 !== undefined) parts.push(`top-1 ${rep.top1}% / top-5 ${rep.top5}%`);
      if (rep.retrainTop1 !== undefined)
        parts.push(`after retrain ${rep.retrainTop1}% / ${rep.retrainTop5}%`);
      if (rep.cifar10 !== undefined)
        parts.push(`CIFAR-10 ${rep.cifar10}%, CIFAR-100 ${rep.cifar100}%`);
      lines.push(`reported: ${parts.join(', ')} (${rep.source})`);
      if (rep.note) lines.push(`  note: ${rep.note}`);
    }
    const p = r.reference.paper;
    if (p) {
      lines.push(
        `paper: #Params ${p.params} M, FLOPs ${p.flops}×10⁹, test error top-1 ${p.testTop1}% / top-5 ${p.testTop5}%` +
          ` (train ${p.trainTop1}% / ${p.trainTop5}%)`,
      );
    }
    lines.push(`source: ${r.reference.source}`);
  }
  return lines.join('\n');
}

/** `igc info <model>`. */
export const info: Command = {
  path: ['info'],
  summary: 'Show a model: layer table, parameter counts, MACs, widths, equal-budget width',
  usage: '<model> [--num-classes N] [--all] [--json]',
  help: [
    'Options:',
    `  --num-classes N  ${rangeNote('num-classes')} classifier outputs (default 10 for CIFAR/SVHN nets, 1000 for ImageNet)`,
    '  --all            list every layer, also those without parameters (ReLU, interleaves, pooling)',
    '  --json           print {"params", "paramsWithBn", "macs", "stages", "layers", "checks", …}',
    '',
    'params counts conv + FC weights and biases; paramsWithBn adds BN γ and β; MACs are',
    'multiply-adds of one image at the standard size (32×32 or 224×224).',
    '',
    'Examples:',
    '  igc info igc-l24m2-ident-d20',
    '  igc info resnet18 --json',
    '  igc info igc-l32m26-ident-d20 --num-classes 100',
    '  igc info igcv3-imagenet',
  ].join('\n'),
  options: {
    'num-classes': { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    if (name === undefined || extra.length > 0)
      throw new UsageError('name exactly one model (see "igc models")');
    const numClasses = numeric(args, 'num-classes');
    const report = describeModel(name, numClasses !== undefined ? { numClasses } : {});
    if (flag(args, 'json')) io.out(JSON.stringify(report));
    else io.out(text(report, flag(args, 'all')));
    return 0;
  },
};
