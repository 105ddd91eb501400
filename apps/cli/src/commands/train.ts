import { join, resolve } from 'node:path';
import type { MpiWorld } from '@igcnet/distributed';
import { convertSyncBatchNorm } from '@igcnet/layers';
import { checkModelSize, createModel, parseModelName } from '@igcnet/models';
import { memory } from '@igcnet/tensor';
import {
  decodeCheckpoint,
  fit as fitLoop,
  type Predictions,
  paperSchedule,
  restoreCheckpoint,
  SGD,
  stepEvery,
  tensorBoardScalars,
} from '@igcnet/trainer';
import { CHECKPOINT_FILE, folderStore, loadCheckpoint, SummaryWriter } from '@igcnet/trainer/node';
import { type Command, flag, type ParsedArgs, stringOption, UsageError } from '../command.js';
import type { Io } from '../io.js';
import { selectBackend } from '../runtime/backend.js';
import { limitDataset, makeLoaders, normalizationOf, openSplits } from '../runtime/data.js';
import { broadcastFile, joinWorld, rankAdapter, rankBatch } from '../runtime/distributed.js';
import { writeRunEvalReport } from '../runtime/eval_report.js';
import { exists } from '../runtime/files.js';
import { launchLocal } from '../runtime/launch.js';
import { isDatasetFormat, presetFor } from '../runtime/presets.js';
import { profileReport, StepProfiler } from '../runtime/profile.js';
import { Progress } from '../runtime/progress.js';
import { numeric, rangeNote } from './numeric-options.js';
import { backendChoice, resolveAlias } from './options.js';

/** The numeric options of `igc train`, checked before anything starts. */
const TRAIN_NUMBERS = [
  'seed',
  'epochs',
  'batch-size',
  'lr',
  'train-limit',
  'test-limit',
  'until',
  'log-every',
  'nproc',
  'profile',
] as const;

/** `igc train`: trains a zoo model; without arguments, the main job on the embedded MNIST. */
export const train: Command = {
  path: ['train'],
  summary: 'Train a zoo model (no arguments: an IGC net on the embedded MNIST, then test it)',
  usage:
    '[--model NAME] [--dataset mnist|cifar10|cifar100|svhn|imagenet] [--data-dir D] [--epochs N] [--batch-size B] [--lr X] [--backend auto|cpu|webgpu] [--out runs/<name>] [--resume] [--seed S] [--log-every N] [--tensorboard DIR] [--nproc N | --distributed] [--sync-bn] [--profile N] [--json]',
  help: [
    'Options:',
    '  --model NAME       zoo name (see igc models); default per dataset. An IGCV3 or MobileNetV2',
    "                     net on ImageNet trains with the IGCV3 repository's recipe: batch 96,",
    '                     lr 0.045 ×0.98 per epoch, momentum 0.9, weight decay 4e-5, 480 epochs',
    '  --dataset D        mnist (default, embedded), cifar10, cifar100, svhn, imagenet',
    '  --data-dir D       dataset folder (not needed for the embedded MNIST)',
    `  --epochs N         ${rangeNote('epochs')} default: mnist 1, CIFAR 400, SVHN 40 (train+extra), ImageNet 95`,
    `  --batch-size B     ${rangeNote('batch-size')} default 64 (ImageNet 256); tests use max(B, 256)`,
    `  --lr X             ${rangeNote('lr')} initial learning rate (default 0.1; ×0.1 at 1/2, 3/4, 7/8 of training,`,
    '                     ImageNet every 30 epochs); Nesterov momentum 0.9, weight decay 1e-4',
    '  --backend B        auto (default: WebGPU on a hardware adapter, else CPU), cpu, webgpu',
    '  --out DIR          checkpoint.safetensors, metrics.jsonl and eval.json (default runs/<model>-<dataset>)',
    '  --resume           continue from DIR/checkpoint.safetensors (same numbers as an uninterrupted run)',
    `  --until N          ${rangeNote('until')} stop after epoch N this time (the schedule still spans --epochs; resume later)`,
    `  --seed S           ${rangeNote('seed')} seeds initialisation, shuffling and augmentation (default 1)`,
    `  --train-limit N    ${rangeNote('train-limit')} train on the first N training images only`,
    `  --test-limit N     ${rangeNote('test-limit')} test on the first N test images only (alias --limit)`,
    `  --log-every N      ${rangeNote('log-every')} a step line in metrics.jsonl every N steps: train loss, top-1`,
    '                     error, lr, images/s, gradient norm over those steps (default: at least ~50 per',
    '                     epoch; 0: none)',
    '  --tensorboard DIR  also write TensorBoard event files there (tensorboard --logdir DIR)',
    `  --profile N        ${rangeNote('profile')} profile N training steps after one warm-up step: print the`,
    '                     kernels per step (calls, ms, share, bytes in/out), then stop; nothing is written',
    '  --json             end with a JSON object: testAccuracy, testTop5Accuracy, epochs, images, seconds, backend, worldSize, …',
    '',
    'Data-parallel training (Open MPI: apt-get install openmpi-bin libopenmpi-dev):',
    `  --nproc N          ${rangeNote('nproc')} start N processes on this machine (mpirun -np N), each with cores/N CPU threads`,
    '  --distributed      join the job mpirun started, e.g. on several machines:',
    '                       mpirun -np 8 --hostfile hosts igc train --distributed …',
    '                     --batch-size stays the global batch; each process takes its slice of it',
    '  --sync-bn          batch norm statistics over the global batch (default: per process, as PyTorch DDP)',
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
    limit: { type: 'string' },
    'log-every': { type: 'string' },
    tensorboard: { type: 'string' },
    json: { type: 'boolean' },
    nproc: { type: 'string' },
    distributed: { type: 'boolean' },
    'sync-bn': { type: 'boolean' },
    profile: { type: 'string' },
  },
  async run(rawArgs, io) {
    const args = resolveAlias(rawArgs, 'test-limit', 'limit');
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    // Every number is checked before any work starts (processes, backend, data, model).
    for (const name of TRAIN_NUMBERS) numeric(args, name);
    const nproc = numeric(args, 'nproc');
    if (
      numeric(args, 'profile') !== undefined &&
      (nproc !== undefined || flag(args, 'distributed'))
    )
      throw new UsageError('--profile profiles one process: leave out --nproc and --distributed');
    if (nproc !== undefined) {
      if (flag(args, 'distributed'))
        throw new UsageError('--nproc starts its own processes: leave out --distributed');
      return launchLocal(nproc, args, io);
    }
    if (!flag(args, 'distributed')) {
      if (flag(args, 'sync-bn')) throw new UsageError('--sync-bn needs --nproc N or --distributed');
      return trainHere(args, io);
    }
    const world = await joinWorld();
    let code: number;
    try {
      code = await trainHere(args, io, world);
    } catch (e) {
      // The other ranks may wait in a collective for this one: end the whole job now.
      if (world.size > 1) {
        io.err(`igc train: rank ${world.rank} of ${world.size}: ${(e as Error).message}`);
        world.abort(1);
      }
      world.finalize();
      throw e;
    }
    world.barrier();
    world.finalize();
    return code;
  },
};

/** Trains in this process: alone, or as one rank of `world`. */
async function trainHere(args: ParsedArgs, io: Io, world?: MpiWorld): Promise<number> {
  {
    const t0 = performance.now();
    const format = stringOption(args, 'dataset') ?? 'mnist';
    if (!isDatasetFormat(format))
      throw new UsageError(
        `--dataset must be mnist, cifar10, cifar100, svhn or imagenet, got '${format}'`,
      );
    const preset = presetFor(format, stringOption(args, 'model'));
    const json = flag(args, 'json');
    // Rank 0 reports; the other ranks only fail loudly.
    const reports = !world || world.rank === 0;
    const log = reports ? (s: string) => io.err(s) : () => {};
    const syncBn = flag(args, 'sync-bn');
    const seed = numeric(args, 'seed') ?? 1;
    const epochs = numeric(args, 'epochs') ?? preset.epochs;
    const batchSize = numeric(args, 'batch-size') ?? preset.batchSize;
    const lr = numeric(args, 'lr') ?? preset.lr;
    const trainLimit = numeric(args, 'train-limit');
    const testLimit = numeric(args, 'test-limit');
    const until = numeric(args, 'until');
    const logEvery = numeric(args, 'log-every');
    const profileSteps = numeric(args, 'profile');
    const profiler = profileSteps !== undefined ? new StepProfiler(profileSteps) : undefined;
    if (until !== undefined && until > epochs)
      throw new UsageError(`--until must be at most --epochs (${epochs}), got ${until}`);
    let modelName = stringOption(args, 'model')?.toLowerCase() ?? preset.model;
    // An unknown name, or one too big even with 1 class and 1 channel, fails now, not after
    // the data is opened (createModel checks again with the dataset's classes and channels).
    if (stringOption(args, 'model') !== undefined)
      checkModelSize(modelName, parseModelName(modelName), 1, 1);
    const out = resolve(
      io.cwd,
      stringOption(args, 'out') ?? join('runs', `${modelName}-${format}`),
    );

    const choice = backendChoice(args);
    const backend = await selectBackend(choice, log, world ? rankAdapter(world, choice, log) : {});
    if (syncBn && backend.name !== 'cpu')
      throw new UsageError(
        `--sync-bn runs on the CPU backend (its statistics cross processes inside the forward pass, which needs synchronous reads; '${backend.name}' reads asynchronously): use --backend cpu, or per-process batch norm`,
      );
    const splits = await openSplits(format, stringOption(args, 'data-dir'), io.cwd, {
      train: preset.trainSplit,
      test: preset.testSplit,
    });
    let tb: SummaryWriter | undefined;
    try {
      splits.train = limitDataset(splits.train, trainLimit);
      splits.test = limitDataset(splits.test, testLimit);
      for (const n of [...splits.train.notes, ...splits.test.notes]) log(`note: ${n}`);
      const [inChannels] = splits.train.imageShape;
      const numClasses = splits.train.classNames.length;

      const ckptPath = join(out, CHECKPOINT_FILE);
      const resume = flag(args, 'resume');
      let ckpt: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
      if (resume && world) {
        const bytes = await broadcastFile(world, ckptPath);
        ckpt = bytes ? decodeCheckpoint(bytes, ckptPath) : undefined;
      } else if (resume && (await exists(ckptPath))) {
        ckpt = await loadCheckpoint(ckptPath);
      }
      if (resume && !ckpt) throw new Error(`--resume: no checkpoint at ${ckptPath}`);
      if (ckpt) {
        if (stringOption(args, 'model') !== undefined && ckpt.meta.model !== modelName) {
          throw new Error(`--resume: ${ckptPath} holds '${ckpt.meta.model}', not '${modelName}'`);
        }
        modelName = ckpt.meta.model;
        if (ckpt.meta.seed !== seed)
          log(`note: resuming with the checkpoint's seed ${ckpt.meta.seed}`);
        const savedWorld = Number(ckpt.meta.extra?.worldSize ?? 1);
        if (savedWorld !== (world?.size ?? 1))
          log(
            `note: the checkpoint was trained by ${savedWorld} process(es), this run has ${world?.size ?? 1}: the run goes on, but its numbers will differ from an uninterrupted one`,
          );
      }
      const runSeed = ckpt?.meta.seed ?? seed;
      const config = { numClasses, inChannels };
      const model = createModel(modelName, { ...config, seed: runSeed });
      if (syncBn && world) convertSyncBatchNorm(model, world);
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
          `${epochs} epoch(s) from epoch ${startEpoch}, batch ${batchSize}${world ? rankBatch(batchSize, world.size, syncBn) : ''}, ${schedule.description}, backend ${backend.name}${backend.device ? ` (${backend.device})` : ''}, out ${out}`,
      );
      const progress = new Progress(log, reports && !json && process.stderr.isTTY === true, epochs);
      const tbDir = stringOption(args, 'tensorboard');
      if (tbDir !== undefined && reports) tb = await SummaryWriter.open(resolve(io.cwd, tbDir));
      let predictions: Predictions | undefined;
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
        // A profiling run writes nothing (it would cut the run folder's metrics short).
        ...(profiler ? { maxSteps: profiler.totalSteps } : { store: folderStore(out) }),
        startEpoch,
        stopAfter: until,
        ...(logEvery !== undefined ? { logEvery } : {}),
        onEvent: reports
          ? (e) => {
              profiler?.onEvent(e);
              progress.onEvent(e);
              const scalars = tb && tensorBoardScalars(e);
              if (scalars) for (const [tag, v] of scalars.values) tb?.scalar(tag, v, scalars.step);
              if (e.type === 'eval' && e.predictions) predictions = e.predictions;
            }
          : undefined,
        ...(world ? { comm: world } : {}),
        extra: {
          dataset: format,
          classNames: splits.train.classNames,
          imageShape: splits.train.imageShape,
          normalization: normalizationOf(format),
          batchSize,
          lr,
          worldSize: world?.size ?? 1,
          syncBn,
        },
      });
      await tb?.close();
      if (profiler) {
        const p = await profiler.result();
        optimizer.dispose();
        model.dispose();
        const what = `${modelName} on ${format}, batch ${batchSize}, backend ${backend.name}`;
        if (json)
          io.out(
            JSON.stringify({
              model: modelName,
              dataset: format,
              backend: backend.name,
              batchSize,
              profiledSteps: profiler.steps,
              profile: p,
            }),
          );
        else io.out(profileReport(p, profiler.steps, batchSize, what));
        return 0;
      }
      const evalReport = predictions
        ? (
            await writeRunEvalReport(out, predictions, splits.test, {
              source: 'train',
              model: modelName,
              epoch: startEpoch + result.epochs.length,
            })
          ).path
        : null;
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
        evalReport,
        tensorboard: tb?.file ?? null,
        worldSize: result.worldSize,
        syncBn,
        allreduceSeconds: result.allreduceSeconds,
        liveTensors: 0,
      };
      optimizer.dispose();
      model.dispose();
      // What is left after the model and optimiser are freed: 0 unless something leaked.
      summary.liveTensors = memory().numTensors;
      if (!reports) return 0;
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
      await tb?.close();
      await Promise.all([splits.train.close(), splits.test.close()]);
    }
  }
}
