import {
  argmax,
  dispose,
  getBackend,
  keep,
  mul,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  valueAndGrads,
} from '@igcnet/tensor';
import { encodeCheckpoint } from '../checkpoint/checkpoint.js';
import { type Communicator, isWriter } from '../distributed/communicator.js';
import { DataParallel } from '../distributed/data_parallel.js';
import { evaluate } from '../metrics/evaluate.js';
import type { SGD } from '../optim/sgd.js';
import type { LrSchedule } from '../schedule/schedules.js';
import { defaultLogEvery, StepLogger } from '../telemetry/step_logger.js';
import type { EpochEvent, LogEvent, TrainEvent } from './events.js';
import type { BatchSource, TrainableModel } from './model.js';
import type { RunStore } from './store.js';

/** Options of {@link fit}. */
export interface FitOptions {
  model: TrainableModel;
  /** Zoo name and build options, recorded in checkpoints. */
  modelName: string;
  modelConfig: Record<string, unknown>;
  train: BatchSource;
  /** Evaluated after each epoch when given. */
  test?: BatchSource;
  /** Total epochs (a resumed run continues up to this count). */
  epochs: number;
  optimizer: SGD;
  schedule: LrSchedule;
  seed: number;
  /**
   * Where the checkpoint (after each epoch) and the metrics lines go, e.g. `folderStore(dir)` of
   * `@igcnet/trainer/node`; nothing is kept without it.
   */
  store?: RunStore;
  /** First epoch to run (the epochs a resumed checkpoint completed). */
  startEpoch?: number;
  /** Stop after this many epochs in all, although the schedule spans `epochs` (run in chunks). */
  stopAfter?: number;
  /**
   * Stop after this many optimisation steps of this call (a profiling or smoke run). The epoch
   * cut short is neither evaluated nor checkpointed and gets no epoch event.
   */
  maxSteps?: number;
  onEvent?: (e: TrainEvent) => void;
  /**
   * Steps per step line (a `log` event and a line of metrics.jsonl with the window's loss, top-1
   * error, gradient norm, lr and images/s); 0 turns them off. Default: at least ~50 per epoch.
   */
  logEvery?: number;
  /** Metadata saved with checkpoints (dataset, normalisation …). */
  extra?: Record<string, unknown>;
  /**
   * Data-parallel training across the processes of `comm` (e.g. `init()` of
   * `@igcnet/distributed` under mpirun): rank 0's weights are broadcast, each rank trains on its
   * slice of every global batch of `train` (which must be shardable), gradients are summed in
   * buckets, BN running statistics follow rank 0 and evaluation is sharded. Only rank 0 writes
   * `store`. For synchronised BN, convert the model's BN layers first.
   */
  comm?: Communicator;
  /** Size of one gradient bucket in bytes when `comm` has several ranks (default 4 MiB). */
  bucketBytes?: number;
  /**
   * Stops the run before the next step once aborted (a page's Stop button): the epoch in
   * progress ends without evaluation or checkpoint, and the result says `aborted`. For one
   * process: the ranks of a data-parallel run would have to stop at the same step.
   */
  signal?: AbortSignal;
}

/** What a finished run reports. */
export interface FitResult {
  epochs: EpochEvent[];
  steps: number;
  images: number;
  seconds: number;
  /** Processes that trained (1 without a communicator). */
  worldSize: number;
  /** Seconds spent summing gradients across processes (0 in a world of one). */
  allreduceSeconds: number;
  /** Whether `signal` stopped the run early. */
  aborted: boolean;
}

/** Raised when the loss stops being finite. */
export class DivergenceError extends Error {}

/** Keeps the metrics lines of the `startEpoch` epochs already done (1-based in the file). */
function keptMetrics(lines: readonly string[], startEpoch: number): string[] {
  return lines.filter((l) => {
    try {
      return (JSON.parse(l) as { epoch: number }).epoch <= startEpoch;
    } catch {
      return false;
    }
  });
}

/**
 * Trains `model` with softmax cross-entropy: per step a forward and backward pass and an
 * optimiser update, per epoch an optional evaluation, a checkpoint and a metrics line. The same
 * seed, data and checkpoint give the same numbers whether or not the run was interrupted.
 */
export async function fit(o: FitOptions): Promise<FitResult> {
  const params = [...o.model.namedParameters()].map(([, v]) => v);
  const startEpoch = o.startEpoch ?? 0;
  const steps = o.train.batchesPerEpoch;
  let globalStep = startEpoch * steps;
  const store = isWriter(o.comm) ? o.store : undefined;
  const lines = store ? keptMetrics(await store.readMetrics(), startEpoch) : [];
  let lastGood = startEpoch > 0 && o.store ? o.store.checkpoint : undefined;
  const dp =
    o.comm && o.comm.size > 1 ? new DataParallel(o.comm, params, o.bucketBytes) : undefined;
  const buffers = [...o.model.namedBuffers()].map(([, v]) => v);
  if (dp) await dp.broadcastVariables([...params, ...buffers]);
  const train = dp ? dp.shard(o.train, 'training') : o.train;
  const test = dp && o.test ? dp.shard(o.test, 'test') : o.test;
  const result: FitResult = {
    epochs: [],
    steps: 0,
    images: 0,
    seconds: 0,
    worldSize: o.comm?.size ?? 1,
    allreduceSeconds: 0,
    aborted: false,
  };
  const t0 = performance.now();
  // Step lines are appended as they come, so the store starts from the lines kept.
  if (store) await store.writeMetrics(lines);
  const logger = new StepLogger(o.logEvery ?? defaultLogEvery(steps), steps, dp?.comm);
  const emitLog = async (ev: LogEvent | undefined) => {
    if (!ev) return;
    o.onEvent?.(ev);
    if (!store) return;
    const line = JSON.stringify(ev);
    lines.push(line);
    await store.appendMetrics(line);
  };

  const endEpoch = Math.min(o.epochs, o.stopAfter ?? o.epochs);
  if (o.maxSteps !== undefined && !(Number.isInteger(o.maxSteps) && o.maxSteps >= 1))
    throw new Error(`fit: maxSteps must be a positive integer, got ${o.maxSteps}`);
  let cutShort = false;
  for (let epoch = startEpoch; epoch < endEpoch; epoch++) {
    o.model.train();
    const te = performance.now();
    let lossSum = 0;
    let wrong = 0;
    let images = 0;
    let step = 0;
    let lr = o.schedule.lrAt(globalStep);
    logger.startEpoch();
    for await (const batch of train.epoch(epoch)) {
      if (o.signal?.aborted) break;
      lr = o.schedule.lrAt(globalStep);
      let n = batch.shape[0];
      // This rank's share of the global batch weights its loss (see DataParallel).
      const globalN = dp ? dp.globalSize(n, batch.globalSize) : n;
      if (globalN < (o.comm?.size ?? 1)) {
        // A last global batch smaller than the world leaves ranks without images: all skip it.
        globalStep++;
        step++;
        continue;
      }
      const x = tensor(batch.images, batch.shape);
      const y = tensor(batch.labels, [n], 'int32');
      let logits: Tensor | undefined;
      const { value, grads } = valueAndGrads(() => {
        logits = keep(o.model.forward(x));
        const l = softmaxCrossEntropy(logits, y);
        return globalN === n ? l : mul(l, n / globalN);
      }, params);
      const stepGrads = dp ? await dp.reduceGradients(grads) : grads;
      o.optimizer.step(stepGrads, lr);
      const pred = argmax(logits!, 1);
      logger.add({
        loss: value,
        lossScale: globalN,
        predicted: pred,
        labels: y,
        classes: logits!.shape[1]!,
        grads: stepGrads,
      });
      // One submission per step on queued backends (WebGPU); the reads below wait for it.
      getBackend().flush?.();
      const [lv, pv] = await Promise.all([value.data(), pred.data()]);
      dispose([x, y, value, pred, logits!, ...grads, ...(dp ? stepGrads : [])]);
      let loss = lv[0]!;
      let stepWrong = 0;
      for (let i = 0; i < n; i++) if (pv[i] !== batch.labels[i]) stepWrong++;
      if (dp) [loss, stepWrong, n] = dp.sum([loss, stepWrong, n]) as [number, number, number];
      if (!Number.isFinite(loss)) {
        logger.dispose();
        throw new DivergenceError(
          `training diverged: the loss is ${loss} at epoch ${epoch + 1}, step ${step + 1} (global step ${globalStep + 1}); ` +
            (lastGood
              ? `the last good checkpoint is ${lastGood}`
              : 'no checkpoint was written yet'),
        );
      }
      wrong += stepWrong;
      lossSum += loss * n;
      images += n;
      globalStep++;
      result.steps++;
      o.onEvent?.({
        type: 'step',
        epoch,
        step,
        steps,
        globalStep,
        loss,
        lr,
        imagesPerSec: images / ((performance.now() - te) / 1000),
        seconds: (performance.now() - te) / 1000,
      });
      await emitLog(await logger.afterStep(step, globalStep, lr));
      step++;
      if (o.maxSteps !== undefined && result.steps >= o.maxSteps) {
        cutShort = true;
        break;
      }
    }
    if (cutShort) {
      result.images += images;
      break;
    }
    if (o.signal?.aborted) {
      result.aborted = true;
      result.images += images;
      break;
    }
    await emitLog(await logger.endEpoch(globalStep, lr));
    const trainSeconds = (performance.now() - te) / 1000;
    const ev: EpochEvent = {
      type: 'epoch',
      epoch: epoch + 1,
      lr,
      trainLoss: lossSum / Math.max(images, 1),
      trainTop1Error: wrong / Math.max(images, 1),
      images,
      seconds: trainSeconds,
      imagesPerSec: images / Math.max(trainSeconds, 1e-9),
    };
    // Per-process BN running statistics follow rank 0's (as PyTorch DDP's buffer broadcast).
    if (dp && buffers.length > 0) await dp.broadcastVariables(buffers);
    if (test) {
      const r = await evaluate(o.model, test, {
        predictions: epoch === endEpoch - 1,
        ...(dp ? { comm: dp.comm } : {}),
      });
      ev.testLoss = r.loss;
      ev.testTop1Error = r.top1Error;
      ev.testTop5Error = r.top5Error;
      o.onEvent?.({
        type: 'eval',
        epoch: epoch + 1,
        step: globalStep,
        loss: r.loss,
        top1Error: r.top1Error,
        top5Error: r.top5Error,
        count: r.count,
        ...(r.predictions ? { predictions: r.predictions } : {}),
      });
    }
    if (store) {
      const bytes = await encodeCheckpoint(o.model, o.optimizer, {
        model: o.modelName,
        config: o.modelConfig,
        epoch: epoch + 1,
        step: globalStep,
        seed: o.seed,
        ...(o.extra ? { extra: o.extra } : {}),
      });
      await store.writeCheckpoint(bytes);
      lastGood = store.checkpoint;
      ev.checkpoint = store.checkpoint;
      lines.push(JSON.stringify(ev));
      await store.writeMetrics(lines);
    }
    result.epochs.push(ev);
    result.images += images;
    o.onEvent?.(ev);
  }
  logger.dispose();
  result.seconds = (performance.now() - t0) / 1000;
  result.allreduceSeconds = dp?.reduceSeconds ?? 0;
  return result;
}
