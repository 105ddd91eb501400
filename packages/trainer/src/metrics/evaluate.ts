import { max, softmax, softmaxCrossEntropy, type Tensor, tensor, tidy, topk } from '@igcnet/tensor';
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
  /** Also return every example's prediction (read with the batch's other results). */
  predictions?: boolean;
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
  if (count === 0) throw new Error('evaluate: the data source yielded no examples');
  return {
    loss: lossSum / count,
    top1Error: 1 - hits1 / count,
    top5Error: 1 - hits5 / count,
    count,
    seconds: (performance.now() - t0) / 1000,
    ...(options.predictions ? { predictions: gather(collected, count) } : {}),
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
