import { resolve } from 'node:path';
import { detectDataset, type InspectReport, inspectDataset } from '@igcnet/datasets';
import { type Command, flag, stringOption, UsageError } from '../command.js';

function counts(perClass: number[]): string {
  if (perClass.length <= 20) return perClass.join(' ');
  const present = perClass.filter((n) => n > 0);
  return `${present.length} of ${perClass.length} classes have images (min ${Math.min(...present)}, max ${Math.max(...present)})`;
}

function text(report: InspectReport): string {
  const names = report.classNames;
  const lines = [
    `format   ${report.format}`,
    `folder   ${report.dir}`,
    `image    ${report.imageShape.join('×')} (C×H×W)`,
    `classes  ${names.length}: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
  ];
  for (const [split, s] of Object.entries(report.splits)) {
    lines.push(`split    ${split}: ${s.count} images; per class: ${counts(s.perClass)}`);
  }
  for (const n of report.notes) lines.push(`note     ${n}`);
  if (report.contactSheet !== undefined) {
    const rows = report.contactSheet.classes.map((c) => names[c] ?? c).join(', ');
    lines.push(`sheet    ${report.contactSheet.file} (one row per class: ${rows})`);
  }
  return lines.join('\n');
}

/** `igc datasets inspect <dir>`. */
export const datasetsInspect: Command = {
  path: ['datasets', 'inspect'],
  summary: 'Check a dataset folder, count images per split and class, write a contact sheet',
  usage: '<dir> [--json] [--out FILE] [--no-sheet] [--verify]',
  help: [
    'Options:',
    '  --out FILE    contact sheet PNG (default ./<format>-contact-sheet.png)',
    '  --no-sheet    do not write a contact sheet',
    '  --verify      ImageNet: decode every image to find corrupt files (32 at a time; a decode',
    '                that hangs for 60 s fails with the file named)',
    '  --json        print {"format", "imageShape", "splits": {"<split>": {"count", "perClass"}}, ...}',
    '',
    'A bad dataset (wrong-sized or corrupt file, missing split) exits 1 with the error on stderr.',
  ].join('\n'),
  options: {
    out: { type: 'string' },
    'no-sheet': { type: 'boolean' },
    verify: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [dirArg, ...extra] = args.positionals;
    if (dirArg === undefined || extra.length > 0)
      throw new UsageError('name exactly one dataset folder');
    const dir = resolve(io.cwd, dirArg);
    let sheet: string | undefined;
    if (!flag(args, 'no-sheet')) {
      const out = stringOption(args, 'out');
      sheet = resolve(io.cwd, out ?? `${(await detectDataset(dir)).format}-contact-sheet.png`);
    }
    const report = await inspectDataset(dir, { contactSheet: sheet, verify: flag(args, 'verify') });
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ ...report, contactSheet: report.contactSheet?.file ?? null }));
    } else {
      io.out(text(report));
    }
    return 0;
  },
};
