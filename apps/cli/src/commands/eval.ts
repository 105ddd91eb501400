import { dirname } from 'node:path';
import { evaluate } from '@igcnet/trainer';
import { type Command, flag, stringOption, UsageError } from '../command.js';
import { selectBackend } from '../runtime/backend.js';
import { limitDataset, makeLoaders, openSplits } from '../runtime/data.js';
import { writeRunEvalReport } from '../runtime/eval_report.js';
import { isDatasetFormat, PRESETS } from '../runtime/presets.js';
import { restoreModel } from '../runtime/restore.js';
import { numeric, rangeNote } from './numeric-options.js';
import { backendChoice, resolveAlias } from './options.js';

/** `igc eval`: top-1 and top-5 error of a checkpoint on a dataset's test split. */
export const evalCommand: Command = {
  path: ['eval'],
  summary: 'Evaluate a checkpoint: top-1 and top-5 error on a test split',
  usage:
    '--checkpoint C [--dataset D] [--data-dir D] [--batch-size B] [--test-limit N] [--backend auto|cpu|webgpu] [--report] [--json]',
  help: [
    'Options:',
    '  --checkpoint C   a checkpoint.safetensors written by igc train',
    '  --dataset D      mnist, cifar10, cifar100, svhn, imagenet (default: the one it was trained on)',
    '  --data-dir D     dataset folder (not needed for the embedded MNIST)',
    `  --batch-size B   ${rangeNote('batch-size')} images per forward pass (default 256)`,
    `  --test-limit N   ${rangeNote('test-limit')} only the first N test images (alias --limit)`,
    '  --report         also write eval.json beside the checkpoint: confusion matrix, per-class accuracy',
    '                   and test images with their predictions, which igc report shows',
    '  --json           print {"top1Error", "top5Error", "loss", "count", "batchSize", ...}',
  ].join('\n'),
  options: {
    checkpoint: { type: 'string' },
    dataset: { type: 'string' },
    'data-dir': { type: 'string' },
    'batch-size': { type: 'string' },
    'test-limit': { type: 'string' },
    limit: { type: 'string' },
    backend: { type: 'string' },
    report: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(rawArgs, io) {
    const args = resolveAlias(rawArgs, 'test-limit', 'limit');
    const file = stringOption(args, 'checkpoint');
    if (file === undefined) throw new UsageError('--checkpoint is required');
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const testLimit = numeric(args, 'test-limit');
    const batchSize = numeric(args, 'batch-size') ?? 256;
    const backend = await selectBackend(backendChoice(args), (s) => io.err(s));
    const r = await restoreModel(io.cwd, file);
    try {
      const format = stringOption(args, 'dataset') ?? r.dataset;
      if (format === undefined)
        throw new UsageError(`${r.path} does not record its dataset; pass --dataset`);
      if (!isDatasetFormat(format))
        throw new UsageError(
          `--dataset must be mnist, cifar10, cifar100, svhn or imagenet, got '${format}'`,
        );
      const preset = PRESETS[format];
      const splits = await openSplits(format, stringOption(args, 'data-dir'), io.cwd, {
        train: preset.testSplit,
        test: preset.testSplit,
      });
      try {
        splits.test = limitDataset(splits.test, testLimit);
        const classes = splits.test.classNames.length;
        const out = r.model.outputShape([...splits.test.imageShape]);
        if (out && out[0] !== classes) {
          throw new Error(
            `${r.path}: the model has ${out[0]} outputs but ${format} has ${classes} classes`,
          );
        }
        const { test } = makeLoaders(splits, batchSize, 0, batchSize);
        const e = await evaluate(r.model, test, { predictions: flag(args, 'report') });
        const written = e.predictions
          ? await writeRunEvalReport(dirname(r.path), e.predictions, splits.test, {
              source: 'eval',
              model: r.checkpoint.meta.model,
              epoch: r.checkpoint.meta.epoch,
            })
          : undefined;
        const result = {
          checkpoint: r.path,
          model: r.checkpoint.meta.model,
          dataset: format,
          split: splits.test.split,
          backend: backend.name,
          batchSize,
          count: e.count,
          loss: e.loss,
          top1Error: e.top1Error,
          top5Error: e.top5Error,
          top1Accuracy: 1 - e.top1Error,
          seconds: e.seconds,
          ...(written ? { report: written.path } : {}),
        };
        if (flag(args, 'json')) io.out(JSON.stringify(result));
        else {
          io.out(
            `${result.model} on ${format} ${result.split} (${e.count} images): top-1 error ${(100 * e.top1Error).toFixed(2)}%, ` +
              `top-5 error ${(100 * e.top5Error).toFixed(2)}%, loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s, ${backend.name})`,
          );
          if (written) io.out(`wrote ${written.path} (igc report ${dirname(r.path)} shows it)`);
        }
        return 0;
      } finally {
        await Promise.all([splits.train.close(), splits.test.close()]);
      }
    } finally {
      r.model.dispose();
    }
  },
};
