import { join, resolve } from 'node:path';
import { createModel } from '@igcnet/models';
import { memory } from '@igcnet/tensor';
import {
  CHECKPOINT_FILE,
  fit as fitLoop,
  loadCheckpoint,
  paperSchedule,
  restoreCheckpoint,
  SGD,
  stepEvery,
} from '@igcnet/trainer';
import { type Command, flag, stringOption, UsageError } from '../command.js';
import { selectBackend } from '../runtime/backend.js';
import { limitDataset, makeLoaders, normalizationOf, openSplits } from '../runtime/data.js';
import { exists } from '../runtime/files.js';
import { isDatasetFormat, presetFor } from '../runtime/presets.js';
import { Progress } from '../runtime/progress.js';
import { backendChoice, numberOption } from './options.js';

/** `igc train`: trains a zoo model; without arguments, the main job on the embedded MNIST. */
export const train: Command = {
  path: ['train'],
  summary: 'Train a zoo model (no arguments: an IGC net on the embedded MNIST, then test it)',
  usage:
    '[--model NAME] [--dataset mnist|cifar10|cifar100|svhn|imagenet] [--data-dir D] [--epochs N] [--batch-size B] [--lr X] [--backend auto|cpu|webgpu] [--out runs/<name>] [--resume] [--seed S] [--json]',
  help: [
    'Options:',
    '  --model NAME       zoo name (see igc models); default per dataset. An IGCV3 or MobileNetV2',
    "                     net on ImageNet trains with the IGCV3 repository's recipe: batch 96,",
    '                     lr 0.045 ×0.98 per epoch, momentum 0.9, weight decay 4e-5, 480 epochs',
    '  --dataset D        mnist (default, embedded), cifar10, cifar100, svhn, imagenet',
    '  --data-dir D       dataset folder (not needed for the embedded MNIST)',
    '  --epochs N         default: mnist 1, CIFAR 400, SVHN 40 (train+extra), ImageNet 95',
    '  --batch-size B     default 64 (ImageNet 256)',
    '  --lr X             initial learning rate (default 0.1; ×0.1 at 1/2, 3/4, 7/8 of training,',
    '                     ImageNet every 30 epochs); Nesterov momentum 0.9, weight decay 1e-4',
    '  --backend B        auto (default: WebGPU on a hardware adapter, else CPU), cpu, webgpu',
    '  --out DIR          checkpoint.safetensors and metrics.jsonl (default runs/<model>-<dataset>)',
    '  --resume           continue from DIR/checkpoint.safetensors (same numbers as an uninterrupted run)',
    '  --until N          stop after epoch N this time (the schedule still spans --epochs; resume later)',
    '  --seed S           seeds initialisation, shuffling and augmentation (default 1)',
    '  --train-limit N    train on the first N training images only',
    '  --test-limit N     test on the first N test images only',
    '  --json             end with a JSON object: testAccuracy, testTop5Accuracy, epochs, images, seconds, backend, …',
  ].join('\n'),
  options: {
    model: { type: 'string' },
    dataset: { type: 'string' },
    'data-dir': { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean' },
    until: { type: 'string' },
    seed: { type: 'string' },
    'train-limit': { type: 'string' },
    'test-limit': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const t0 = performance.now();
    const format = stringOption(args, 'dataset') ?? 'mnist';
    if (!isDatasetFormat(format))
      throw new UsageError(
        `--dataset must be mnist, cifar10, cifar100, svhn or imagenet, got '${format}'`,
      );
    const preset = presetFor(format, stringOption(args, 'model'));
    const json = flag(args, 'json');
    const log = (s: string) => io.err(s);
    const seed = numberOption(args, 'seed', true) ?? 1;
    const epochs = numberOption(args, 'epochs', true) ?? preset.epochs;
    const batchSize = numberOption(args, 'batch-size', true) ?? preset.batchSize;
    if (batchSize < 1) throw new UsageError('--batch-size must be at least 1');
    const lr = numberOption(args, 'lr', false) ?? preset.lr;
    let modelName = stringOption(args, 'model')?.toLowerCase() ?? preset.model;
    const out = resolve(
      io.cwd,
      stringOption(args, 'out') ?? join('runs', `${modelName}-${format}`),
    );

    const backend = await selectBackend(backendChoice(args), log);
    const splits = await openSplits(format, stringOption(args, 'data-dir'), io.cwd, {
      train: preset.trainSplit,
      test: preset.testSplit,
    });
    try {
      splits.train = limitDataset(splits.train, numberOption(args, 'train-limit', true));
      splits.test = limitDataset(splits.test, numberOption(args, 'test-limit', true));
      for (const n of [...splits.train.notes, ...splits.test.notes]) log(`note: ${n}`);
      const [inChannels] = splits.train.imageShape;
      const numClasses = splits.train.classNames.length;

      const ckptPath = join(out, CHECKPOINT_FILE);
      const resume = flag(args, 'resume');
      const ckpt = resume
        ? (await exists(ckptPath))
          ? await loadCheckpoint(ckptPath)
          : undefined
        : undefined;
      if (resume && !ckpt) throw new Error(`--resume: no checkpoint at ${ckptPath}`);
      if (ckpt) {
        if (stringOption(args, 'model') !== undefined && ckpt.meta.model !== modelName) {
          throw new Error(`--resume: ${ckptPath} holds '${ckpt.meta.model}', not '${modelName}'`);
        }
        modelName = ckpt.meta.model;
        if (ckpt.meta.seed !== seed)
          log(`note: resuming with the checkpoint's seed ${ckpt.meta.seed}`);
      }
      const runSeed = ckpt?.meta.seed ?? seed;
      const config = { numClasses, inChannels };
      const model = createModel(modelName, { ...config, seed: runSeed });
      const loaders = makeLoaders(splits, batchSize, runSeed);
      const steps = loaders.train.batchesPerEpoch;
      const schedule =
        preset.schedule === 'step30'
          ? stepEvery(lr, 30, epochs, steps)
          : preset.schedule === 'epoch-decay'
            ? stepEvery(lr, 1, epochs, steps, preset.lrFactor)
            : paperSchedule(lr, epochs, steps);
      const optimizer = new SGD(model.namedParameters(), {
        lr,
        momentum: preset.momentum,
        nesterov: preset.nesterov,
        weightDecay: preset.weightDecay,
        // MXNet decays weights and BN γ only: not biases, not BN β (named `bias` here).
        ...(preset.decayWeightsOnly
          ? { noWeightDecay: (name: string) => name.endsWith('.bias') }
          : {}),
      });
      if (ckpt) restoreCheckpoint(ckptPath, ckpt, model, optimizer);
      const startEpoch = ckpt?.meta.epoch ?? 0;

      log(
        `igc train: ${modelName} on ${format} (${splits.train.length} train / ${splits.test.length} test images from ${splits.source}), ` +
          `${epochs} epoch(s) from epoch ${startEpoch}, batch ${batchSize}, ${schedule.description}, backend ${backend.name}${backend.device ? ` (${backend.device})` : ''}, out ${out}`,
      );
      const progress = new Progress(log, !json && process.stderr.isTTY === true, epochs);
      const result = await fitLoop({
        model,
        modelName,
        modelConfig: config,
        train: loaders.train,
        test: loaders.test,
        epochs,
        optimizer,
        schedule,
        seed: runSeed,
        outDir: out,
        startEpoch,
        stopAfter: numberOption(args, 'until', true),
        onEvent: (e) => progress.onEvent(e),
        extra: {
          dataset: format,
          classNames: splits.train.classNames,
          imageShape: splits.train.imageShape,
          normalization: normalizationOf(format),
          batchSize,
          lr,
        },
      });
      const last = result.epochs.at(-1);
      const seconds = (performance.now() - t0) / 1000;
      const summary = {
        model: modelName,
        dataset: format,
        backend: backend.name,
        ...(backend.device ? { device: backend.device } : {}),
        epochs,
        epochsDone: startEpoch + result.epochs.length,
        epochsRun: result.epochs.length,
        images: result.images,
        trainImages: splits.train.length,
        testImages: splits.test.length,
        testAccuracy: last?.testTop1Error === undefined ? null : 1 - last.testTop1Error,
        testTop5Accuracy: last?.testTop5Error === undefined ? null : 1 - last.testTop5Error,
        trainLoss: last?.trainLoss ?? null,
        imagesPerSec: result.seconds > 0 ? result.images / result.seconds : 0,
        seconds,
        checkpoint: ckptPath,
        metrics: join(out, 'metrics.jsonl'),
        liveTensors: 0,
      };
      optimizer.dispose();
      model.dispose();
      // What is left after the model and optimiser are freed: 0 unless something leaked.
      summary.liveTensors = memory().numTensors;
      if (json) io.out(JSON.stringify(summary));
      else {
        const acc =
          summary.testAccuracy === null ? 'n/a' : `${(100 * summary.testAccuracy).toFixed(2)}%`;
        const top5 =
          summary.testTop5Accuracy === null
            ? 'n/a'
            : `${(100 * summary.testTop5Accuracy).toFixed(2)}%`;
        io.out(
          `test accuracy ${acc} (top-5 ${top5}) on ${summary.testImages} ${format} test images after ${epochs} epoch(s); ` +
            `${summary.images} images trained at ${summary.imagesPerSec.toFixed(0)} img/s; ${seconds.toFixed(1)} s in all; checkpoint ${ckptPath}`,
        );
      }
      return 0;
    } finally {
      await Promise.all([splits.train.close(), splits.test.close()]);
    }
  },
};
