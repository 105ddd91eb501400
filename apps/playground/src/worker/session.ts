import { summarize } from '@igcnet/layers';
import { createModel, modelFromCheckpointMeta, type Network } from '@igcnet/models';
import { softmax, tensor, tidy, topk } from '@igcnet/tensor';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  evaluate,
  fit as fitLoop,
  paperSchedule,
  restoreCheckpoint,
  SGD,
} from '@igcnet/trainer';
import type { ModelInfo, Prediction, Reply, TrainSettings } from '../protocol.js';
import { mnistBatches, normalizePixels } from './batches.js';
import { IMAGE_SHAPE, MNIST_CLASSES, MNIST_NORMALIZATION, type MnistSplit } from './mnist.js';
import { Throughput } from './throughput.js';

/** The model the worker holds and what a checkpoint of it must record. */
interface Current {
  model: Network;
  optimizer?: SGD;
  info: ModelInfo;
  seed: number;
  classNames: readonly string[];
  normalization: { mean: readonly number[]; std: readonly number[] };
  extra: Record<string, unknown>;
}

interface Run {
  stop: AbortController;
  paused: boolean;
  throughput: Throughput;
}

type Post = (r: Reply, transfer?: Transferable[]) => void;

/** Yields to the worker's event loop, so that messages (pause, predict, …) are handled. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function describeModel(model: Network): { params: number; macs: number } {
  const s = summarize(model, [...IMAGE_SHAPE]);
  return { params: s.paramsWithBn, macs: s.macs };
}

/**
 * The worker's state: the data, the model and the run in progress. Requests that touch the model
 * while it trains (predict, evaluate, export) are queued and run between two steps, where the
 * training loop waits for its next batch, never inside a step.
 */
export class Session {
  private trainSplit?: MnistSplit;
  private testSplit?: MnistSplit;
  private current?: Current;
  private run?: Run;
  private readonly pending: (() => Promise<void>)[] = [];
  private wake?: () => void;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly post: Post) {}

  /** Keeps the data the worker trains and tests on. */
  setData(train: MnistSplit, test: MnistSplit): void {
    this.trainSplit = train;
    this.testSplit = test;
  }

  /** Runs `task` now (after earlier ones), or between two steps while a model trains. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.run) {
      return new Promise<T>((resolve, reject) => {
        this.pending.push(() => task().then(resolve, reject));
        this.wake?.();
      });
    }
    const p = this.chain.then(task);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Where training waits before each batch: queued requests, the event loop, and pause. */
  private async gate(): Promise<void> {
    await this.drain();
    await yieldToEventLoop();
    const run = this.run!;
    // Reported here, where the run really holds, not when asked: no step ends after it.
    if (run.paused && !run.stop.signal.aborted) this.post({ type: 'paused', paused: true });
    while (run.paused && !run.stop.signal.aborted) {
      const t = performance.now();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
      run.throughput.pausedFor(performance.now() - t);
      await this.drain();
    }
    await this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) await this.pending.shift()!();
  }

  /** Holds the run at its next step boundary (reported from there), or lets it go on. */
  setPaused(paused: boolean): void {
    if (!this.run || this.run.paused === paused) return;
    this.run.paused = paused;
    this.wake?.();
    if (!paused) this.post({ type: 'paused', paused: false });
  }

  stop(): void {
    this.run?.stop.abort();
    this.wake?.();
  }

  private dropModel(): void {
    this.current?.optimizer?.dispose();
    this.current?.model.dispose();
    this.current = undefined;
  }

  /** Trains a new model with the paper's optimiser; resolves when it ends or is stopped. */
  train(id: number, s: TrainSettings): Promise<void> {
    if (this.run) return Promise.reject(new Error('a model is training: stop it first'));
    return this.exclusive(async () => {
      const t0 = performance.now();
      if (!this.trainSplit || !this.testSplit) throw new Error('the data is not loaded yet');
      this.dropModel();
      const config = { numClasses: 10, inChannels: 1 };
      const model = createModel(s.model, { ...config, seed: s.seed });
      const optimizer = new SGD(model.namedParameters(), {
        lr: s.lr,
        momentum: 0.9,
        nesterov: true,
        weightDecay: 1e-4,
      });
      const run: Run = { stop: new AbortController(), paused: false, throughput: new Throughput() };
      const train = mnistBatches(this.trainSplit, {
        batchSize: s.batchSize,
        limit: s.trainImages,
        shuffle: true,
        seed: s.seed,
        gate: () => this.gate(),
      });
      const test = mnistBatches(this.testSplit, { batchSize: 250 });
      const steps = train.batchesPerEpoch;
      const info: ModelInfo = {
        name: s.model,
        ...describeModel(model),
        source: 'trained here',
        epoch: 0,
        step: 0,
      };
      this.current = {
        model,
        optimizer,
        info,
        seed: s.seed,
        classNames: MNIST_CLASSES,
        normalization: MNIST_NORMALIZATION,
        extra: {
          dataset: 'mnist',
          classNames: MNIST_CLASSES,
          imageShape: IMAGE_SHAPE,
          normalization: MNIST_NORMALIZATION,
          batchSize: s.batchSize,
          lr: s.lr,
          worldSize: 1,
          syncBn: false,
          trainImages: Math.min(s.trainImages, this.trainSplit.count),
          source: 'igcnet playground',
        },
      };
      this.run = run;
      this.post({ type: 'started', id, model: info, stepsPerEpoch: steps });
      let first = true;
      try {
        // Named apart from Jasmine's focused-test `fit`, which the linter flags.
        const result = await fitLoop({
          model,
          modelName: s.model,
          modelConfig: config,
          train,
          test,
          epochs: s.epochs,
          optimizer,
          schedule: paperSchedule(s.lr, s.epochs, steps),
          seed: s.seed,
          signal: run.stop.signal,
          logEvery: Math.max(1, Math.min(10, Math.floor(steps / 20))),
          onEvent: (e) => {
            if (e.type === 'step') {
              info.step = e.globalStep;
              const rate = run.throughput.step(s.batchSize);
              this.post({
                type: 'step',
                globalStep: e.globalStep,
                epoch: e.epoch,
                loss: e.loss,
                lr: e.lr,
                imagesPerSec: rate,
                ...(first ? { firstStepMs: performance.now() - t0 } : {}),
              });
              first = false;
            } else if (e.type === 'log') {
              this.post({
                type: 'window',
                globalStep: e.step,
                trainAccuracy: 1 - e.trainTop1Error,
                imagesPerSec: e.imagesPerSec,
              });
            } else if (e.type === 'eval') {
              this.post({
                type: 'test',
                globalStep: e.step,
                accuracy: 1 - e.top1Error,
                loss: e.loss,
                count: e.count,
              });
            } else if (e.type === 'epoch') {
              info.epoch = e.epoch;
            }
          },
        });
        this.post({
          type: 'finished',
          id,
          aborted: result.aborted,
          steps: result.steps,
          images: result.images,
          seconds: result.seconds,
        });
      } finally {
        this.run = undefined;
        await this.drain();
      }
    });
  }

  private need(): Current {
    if (!this.current) throw new Error('no model yet: train one or load a checkpoint');
    return this.current;
  }

  /** Runs `f` with the model in inference mode, then puts its mode back. */
  private async inference<T>(f: (c: Current) => Promise<T>): Promise<T> {
    const c = this.need();
    const wasTraining = c.model.training;
    c.model.eval();
    try {
      return await f(c);
    } finally {
      if (wasTraining) c.model.train();
    }
  }

  /** The top-5 classes of one 28×28 image of bytes (0 black … 255 white). */
  predict(id: number, pixels: Float32Array): Promise<void> {
    return this.exclusive(() =>
      this.inference(async (c) => {
        if (pixels.length !== 28 * 28)
          throw new Error(`predict: ${pixels.length} pixels, expected 784`);
        const x = normalizePixels(
          pixels,
          c.normalization.mean[0] ?? 0,
          c.normalization.std[0] ?? 1,
        );
        const { values, indices } = tidy(() => {
          const logits = c.model.forward(tensor(x, [1, ...IMAGE_SHAPE]));
          return topk(softmax(logits), Math.min(5, logits.shape[1]!));
        });
        const [pv, iv] = await Promise.all([values.data(), indices.data()]);
        values.dispose();
        indices.dispose();
        const top: Prediction[] = Array.from(iv, (index, j) => ({
          index,
          label: c.classNames[index] ?? String(index),
          probability: pv[j]!,
        }));
        this.post({ type: 'predicted', id, top });
      }),
    );
  }

  /** Top-1 accuracy and loss on the bundled test images. */
  evaluate(id: number): Promise<void> {
    return this.exclusive(() =>
      this.inference(async (c) => {
        if (!this.testSplit) throw new Error('the data is not loaded yet');
        const r = await evaluate(c.model, mnistBatches(this.testSplit, { batchSize: 250 }));
        this.post({
          type: 'evaluated',
          id,
          accuracy: 1 - r.top1Error,
          loss: r.loss,
          count: r.count,
          seconds: r.seconds,
        });
      }),
    );
  }

  /** The model as a checkpoint file that `igc eval` and `igc predict` read. */
  exportCheckpoint(id: number): Promise<void> {
    return this.exclusive(async () => {
      const c = this.need();
      const bytes = await encodeCheckpoint(c.model, c.optimizer, {
        model: c.info.name,
        config: { numClasses: c.classNames.length, inChannels: 1 },
        epoch: c.info.epoch,
        step: c.optimizer?.stepCount ?? c.info.step,
        seed: c.seed,
        extra: c.extra,
      });
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      this.post(
        {
          type: 'exported',
          id,
          bytes: buffer as ArrayBuffer,
          fileName: `${c.info.name}-playground.safetensors`,
        },
        [buffer as ArrayBuffer],
      );
    });
  }

  /** Replaces the model by a checkpoint of a 1×28×28 model (as `igc train` writes them). */
  load(id: number, name: string, bytes: ArrayBuffer): Promise<void> {
    if (this.run)
      return Promise.reject(new Error('a model is training: stop it before loading a checkpoint'));
    return this.exclusive(async () => {
      const ck = decodeCheckpoint(new Uint8Array(bytes), name);
      const {
        name: modelName,
        numClasses,
        inChannels,
      } = modelFromCheckpointMeta(name, ck.meta, ck.model);
      const extra = ck.meta.extra ?? {};
      const shape = extra.imageShape;
      if (inChannels !== 1 || (Array.isArray(shape) && shape.join('×') !== IMAGE_SHAPE.join('×'))) {
        throw new Error(
          `${name}: the playground runs 1×28×28 (MNIST) models; this one takes ${Array.isArray(shape) ? shape.join('×') : `${inChannels} channels`}`,
        );
      }
      const norm = extra.normalization as { mean?: unknown; std?: unknown } | undefined;
      const normalization =
        norm && Array.isArray(norm.mean) && Array.isArray(norm.std)
          ? { mean: norm.mean as number[], std: norm.std as number[] }
          : MNIST_NORMALIZATION;
      const classNames =
        Array.isArray(extra.classNames) && extra.classNames.length === numClasses
          ? (extra.classNames as string[])
          : Array.from({ length: numClasses }, (_, i) => String(i));
      const model = createModel(modelName, { numClasses, inChannels, init: 'zeros' });
      try {
        restoreCheckpoint(name, ck, model);
      } catch (e) {
        model.dispose();
        throw e;
      }
      this.dropModel();
      const info: ModelInfo = {
        name: modelName,
        ...describeModel(model),
        source: name,
        epoch: ck.meta.epoch,
        step: ck.meta.step,
      };
      this.current = { model, info, seed: ck.meta.seed, classNames, normalization, extra };
      this.post({ type: 'loaded', id, model: info });
    });
  }

  /** Parameters and MACs of a zoo model for 1×28×28 inputs, without training it. */
  describe(id: number, name: string): Promise<void> {
    return this.exclusive(async () => {
      const model = createModel(name, { numClasses: 10, inChannels: 1, init: 'zeros' });
      try {
        const s = summarize(model, [...IMAGE_SHAPE]);
        this.post({
          type: 'described',
          id,
          model: name,
          params: s.paramsWithBn,
          macs: s.macs,
          layers: s.rows.length,
        });
      } finally {
        model.dispose();
      }
    });
  }
}
