import { join, resolve } from 'node:path';
import {
  CHECKPOINT_FILE,
  loadCheckpoint,
  METRICS_FILE,
  readMetrics,
  renderReport,
  writeFileAtomic,
} from '@igcnet/trainer';
import { type Command, flag, stringOption, UsageError } from '../command.js';
import { exists } from '../runtime/files.js';

/** `igc report runs/<name>`: an HTML page of a run's per-epoch metrics. */
export const report: Command = {
  path: ['report'],
  summary: 'Write an HTML report of a run: loss, error and learning rate per epoch',
  usage: 'RUN_DIR [--out FILE] [--json]',
  help: [
    'RUN_DIR is the --out folder of igc train (it holds metrics.jsonl).',
    'Options:',
    '  --out FILE   where to write the page (default RUN_DIR/report.html)',
    '  --json       print {"report", "epochs"}',
  ].join('\n'),
  options: { out: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const [dirArg, ...extra] = args.positionals;
    if (dirArg === undefined || extra.length > 0)
      throw new UsageError('name exactly one run folder');
    const dir = resolve(io.cwd, dirArg);
    const metrics = await readMetrics(join(dir, METRICS_FILE));
    const facts: Record<string, string | number> = { folder: dir };
    const ckpt = join(dir, CHECKPOINT_FILE);
    if (await exists(ckpt)) {
      const { meta } = await loadCheckpoint(ckpt);
      facts.model = meta.model;
      if (typeof meta.extra?.dataset === 'string') facts.dataset = meta.extra.dataset;
      if (typeof meta.extra?.batchSize === 'number') facts['batch size'] = meta.extra.batchSize;
      facts.seed = meta.seed;
      facts.steps = meta.step;
    }
    const out = resolve(io.cwd, stringOption(args, 'out') ?? join(dir, 'report.html'));
    const title = `igcnet run: ${facts.model ?? dirArg}${facts.dataset ? ` on ${facts.dataset}` : ''}`;
    await writeFileAtomic(out, renderReport(metrics, { title, facts }));
    if (flag(args, 'json')) io.out(JSON.stringify({ report: out, epochs: metrics.length }));
    else io.out(`wrote ${out} (${metrics.length} epochs)`);
    return 0;
  },
};
