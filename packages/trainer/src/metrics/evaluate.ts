import { max, softmax, softmaxCrossEntropy, type Tensor, tensor, tidy, topk } from '@igcnet/tensor';
import type { Communicator } from '../distributed/communicator.js';
import type { BatchSource, TrainableModel } from '../loop/model.js';

/** Loss and errors over a dataset. */
export interface EvalResult {
  /** Mean cross-entropy. */
  loss: number;
  /** Fraction of examples whose label is not the top prediction. */
  top1Error: number;
  /** Fraction whose label is not among the 5 top predictions (all classes when fewer than 5). */
  top5Error: number;
  count: number;
  seconds: number;
  /** Per-example predictions, when asked for. */
  predictions?: Predictions;
}

/** What the model predicted for each example, in the order the source yielded them. */
export interface Predictions {
  /** Dataset index of each example (its position in the source when batches carry none). */
  indices: Int32Array;
  labels: Int32Array;
  /** Top-1 class. */
  predicted: Int32Array;
  /** Softmax probability of the top-1 class. */
  confidence: Float32Array;
}

/** One batch's share of {@link Predictions}: `topk` holds `k` classes per example. */
interface BatchPredictions {
  indices: Int32Array;
  labels: Int32Array;
  topk: Int32Array;
  k: number;
  confidence: Float32Array;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * Also return every example's prediction (read with the batch's other results). With `comm`,
   * every rank gets all ranks' predictions, rank by rank.
   */
  predictions?: boolean;
  /**
   * Data-parallel evaluation: `source` holds this rank's share, and the counts and loss sums are
   * summed over all ranks, so every rank gets the result over the whole dataset.
   */
  comm?: Communicator;
}

/** Counts of examples whose label is within the top 1 and top k of each row. */
export function topKHits(
  indices: Int32Array,
  k: number,
  labels: Int32Array,
): { top1: number; topK: number } {
  let top1 = 0;
  let topK = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (indices[i * k] === label) top1++;
    for (let j = 0; j < k; j++) {
      if (indices[i * k + j] === label) {
        topK++;
        break;
      }
    }
  }
  return { top1, topK };
}

/** Runs the model in inference mode over every batch of `source` (epoch 0). */
export async function evaluate(
  model: TrainableModel,
  source: BatchSource,
  options: EvaluateOptions = {},
): Promise<EvalResult> {
  const t0 = performance.now();
  model.eval();
  let lossSum = 0;
  let hits1 = 0;
  let hits5 = 0;
  let count = 0;
  const collected: BatchPredictions[] = [];
  for await (const batch of source.epoch(0)) {
    const n = batch.shape[0];
    // A shard's slice of a small last batch can be empty.
    if (n === 0) continue;
    const { loss, indices, k, confidence } = tidy(() => {
      const x = tensor(batch.images, batch.shape);
      const y = tensor(batch.labels, [n], 'int32');
      const logits = model.forward(x);
      const kk = Math.min(5, logits.shape[1]!);
      return {
        loss: softmaxCrossEntropy(logits, y, 'sum'),
        indices: topk(logits, kk).indices,
        k: kk,
        confidence: options.predictions ? max(softmax(logits), 1) : undefined,
      };
    });
    const reads: Tensor[] = confidence ? [loss, indices, confidence] : [loss, indices];
    const [lv, iv, cv] = await Promise.all(reads.map((t) => t.data()));
    for (const t of reads) t.dispose();
    lossSum += lv![0]!;
    const h = topKHits(iv as Int32Array, k, batch.labels);
    hits1 += h.top1;
    hits5 += h.topK;
    if (cv) {
      collected.push({
        indices: batch.indices ?? Int32Array.from({ length: n }, (_, i) => count + i),
        labels: batch.labels,
        topk: iv as Int32Array,
        k,
        confidence: cv as Float32Array,
      });
    }
    count += n;
  }
  const local = count;
  let predictions = options.predictions ? gather(collected, local) : undefined;
  if (options.comm) {
    if (predictions) predictions = allGatherPredictions(options.comm, predictions);
    const sums = Float64Array.of(lossSum, hits1, hits5, count);
    options.comm.allreduce(sums, 'sum');
    lossSum = sums[0]!;
    hits1 = sums[1]!;
    hits5 = sums[2]!;
    count = sums[3]!;
  }
  if (count === 0) throw new Error('evaluate: the data source yielded no examples');
  return {
    loss: lossSum / count,
    top1Error: 1 - hits1 / count,
    top5Error: 1 - hits5 / count,
    count,
    seconds: (performance.now() - t0) / 1000,
    ...(predictions ? { predictions } : {}),
  };
}

/** Concatenates the per-batch predictions. */
function gather(parts: readonly BatchPredictions[], count: number): Predictions {
  const p: Predictions = {
    indices: new Int32Array(count),
    labels: new Int32Array(count),
    predicted: new Int32Array(count),
    confidence: new Float32Array(count),
  };
  let at = 0;
  for (const b of parts) {
    p.indices.set(b.indices, at);
    p.labels.set(b.labels, at);
    p.confidence.set(b.confidence, at);
    for (let i = 0; i < b.labels.length; i++) p.predicted[at + i] = b.topk[i * b.k]!;
    at += b.labels.length;
  }
  return p;
}

/**
 * Every rank's predictions on every rank, rank 0's first. Built from sums alone (the
 * communicator has no gather): each rank writes its part at its offset in zeroed arrays.
 */
function allGatherPredictions(comm: Communicator, mine: Predictions): Predictions {
  const counts = new Float64Array(comm.size);
  counts[comm.rank] = mine.labels.length;
  comm.allreduce(counts, 'sum');
  let offset = 0;
  for (let r = 0; r < comm.rank; r++) offset += counts[r]!;
  const total = counts.reduce((a, b) => a + b, 0);
  // Float64 holds int32 indices and float32 confidences exactly.
  const all = new Float64Array(4 * total);
  for (let i = 0; i < mine.labels.length; i++) {
    const at = 4 * (offset + i);
    all[at] = mine.indices[i]!;
    all[at + 1] = mine.labels[i]!;
    all[at + 2] = mine.predicted[i]!;
    all[at + 3] = mine.confidence[i]!;
  }
  comm.allreduce(all, 'sum');
  const p: Predictions = {
    indices: new Int32Array(total),
    labels: new Int32Array(total),
    predicted: new Int32Array(total),
    confidence: new Float32Array(total),
  };
  for (let i = 0; i < total; i++) {
    p.indices[i] = all[4 * i]!;
    p.labels[i] = all[4 * i + 1]!;
    p.predicted[i] = all[4 * i + 2]!;
    p.confidence[i] = all[4 * i + 3]!;
  }
  return p;
}
