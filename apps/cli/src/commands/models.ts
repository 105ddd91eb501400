import { fmtCount } from '@igcnet/layers';
import { describeModel, listModels, type Quantity, type ZooEntry } from '@igcnet/models';
import { type Command, flag, UsageError } from '../command.js';

/** A reference quantity as printed in paper.md, with its unit. */
function shown(q: Quantity | undefined): string {
  if (!q) return '–';
  if (q.scale === 1) return `${(Number(q.text) / 1e6).toFixed(4)} M`;
  return `${q.text} ${q.scale === 1e9 ? 'G' : 'M'}`;
}

/** Our counts of an entry (default head), computed from the built model's shapes. */
interface Counts {
  params: number;
  paramsWithBn: number;
  macs: number;
}

/** The reported ImageNet top-1 error: the IGC paper's, or 100 − the IGCV3 README's accuracy. */
function topOneError(e: ZooEntry): string {
  const paper = e.reference?.paper?.testTop1;
  if (paper !== undefined) return `${paper}%`;
  const acc = e.reference?.reported?.top1;
  return acc !== undefined ? `${(100 - acc).toFixed(1)}%` : '–';
}

function table(entries: ZooEntry[], counts: Map<string, Counts> | undefined): string {
  const header = ['name', 'paper name', 'input', 'ref params', 'ref MACs', 'top-1 err'];
  if (counts) header.push('params', 'params+BN', 'MACs');
  const rows = entries.map((e) => {
    const row = [
      e.name,
      e.title,
      e.inputShape.join('×'),
      shown(e.reference?.params),
      shown(e.reference?.macs),
      topOneError(e),
    ];
    const c = counts?.get(e.name);
    if (c) row.push(fmtCount(c.params), fmtCount(c.paramsWithBn), fmtCount(c.macs, 1));
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    ...rows.map(line),
    '',
    'ref params, ref MACs: reference numbers of paper.md, or counted from the official IGCV3 code',
    '(default head); "–" where there is none. top-1 err: the IGC paper\'s, or 100 − the IGCV3 README\'s accuracy.',
    ...(counts ? ['params, params+BN, MACs: counted from the built models (default head).'] : []),
    'Also valid: any igc-l{L}m{M}[-ident]-d{depth} or regconv-w{W}[-ident]-d{depth}, and',
    '{igcv3|mobilenetv2}-{cifar|imagenet}-w{m} for a width multiplier m in [0.25, 4]. See "igc info <model>".',
  ].join('\n');
}

/** `igc models`. */
export const models: Command = {
  path: ['models'],
  summary: "List the model zoo (the IGC paper's CIFAR/SVHN and ImageNet nets, IGCV3, MobileNetV2)",
  usage: '[--dataset cifar|imagenet] [--counts] [--json]',
  help: [
    'Options:',
    '  --dataset D   only cifar (CIFAR-10/100, SVHN, 32×32) or imagenet (224×224) nets',
    '  --counts      also count params, params+BN and MACs of every net (builds each; a few seconds)',
    '  --json        print [{"name", "title", "dataset", "inputShape", "numClasses", "reference"}, …]',
    '                (with --counts, also "params", "paramsWithBn" and "macs")',
  ].join('\n'),
  options: {
    dataset: { type: 'string' },
    counts: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const dataset = args.values.dataset;
    if (dataset !== undefined && dataset !== 'cifar' && dataset !== 'imagenet') {
      throw new UsageError(`--dataset must be cifar or imagenet, got '${String(dataset)}'`);
    }
    const entries = listModels().filter((e) => dataset === undefined || e.dataset === dataset);
    let counts: Map<string, Counts> | undefined;
    if (flag(args, 'counts')) {
      counts = new Map();
      for (const e of entries) {
        const r = describeModel(e.name);
        counts.set(e.name, { params: r.params, paramsWithBn: r.paramsWithBn, macs: r.macs });
      }
    }
    if (flag(args, 'json'))
      io.out(JSON.stringify(entries.map((e) => ({ ...e, ...counts?.get(e.name) }))));
    else io.out(table(entries, counts));
    return 0;
  },
};
