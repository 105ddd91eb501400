import { softmaxCrossEntropy, tensor, tidy, topk } from '@igcnet/tensor';
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

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * Data-parallel evaluation: `source` holds this rank's share, and the counts and loss sums are
   * summed over all ranks, so every rank gets the result over the whole dataset.
   */
  comm?: Communicator;
}

/** Runs the model in inference mode over every batch of `source` (epoch 0). */
export async function evaluate(
  model: TrainableModel,
  source: BatchSource,
  opts: EvaluateOptions = {},
): Promise<EvalResult> {
  const t0 = performance.now();
  model.eval();
  let lossSum = 0;
  let hits1 = 0;
  let hits5 = 0;
  let count = 0;
  for await (const batch of source.epoch(0)) {
    const n = batch.shape[0];
    // A shard's slice of a small last batch can be empty.
    if (n === 0) continue;
    const { loss, indices, k } = tidy(() => {
      const x = tensor(batch.images, batch.shape);
      const y = tensor(batch.labels, [n], 'int32');
      const logits = model.forward(x);
      const kk = Math.min(5, logits.shape[1]!);
      return {
        loss: softmaxCrossEntropy(logits, y, 'sum'),
        indices: topk(logits, kk).indices,
        k: kk,
      };
    });
    const [lv, iv] = await Promise.all([loss.data(), indices.data()]);
    loss.dispose();
    indices.dispose();
    lossSum += lv[0]!;
    const h = topKHits(iv as Int32Array, k, batch.labels);
    hits1 += h.top1;
    hits5 += h.topK;
    count += n;
  }
  if (opts.comm) {
    const sums = Float64Array.of(lossSum, hits1, hits5, count);
    opts.comm.allreduce(sums, 'sum');
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
  };
}
