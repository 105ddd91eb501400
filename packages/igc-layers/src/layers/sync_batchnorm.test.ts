import {
  batchNorm,
  dispose,
  keep,
  memory,
  mul,
  ones,
  randomNormal,
  slice,
  sum,
  type Tensor,
  tensor,
  type Variable,
  valueAndGrads,
  variable,
  zeros,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test_util.js';
import { BatchNorm2d, convertSyncBatchNorm } from './batchnorm2d.js';
import { Sequential } from './sequential.js';
import { type StatsReducer, syncBatchNorm } from './sync_batchnorm.js';

/**
 * Stands in for the other process of a pair: its n-th allreduce adds `other[n]` (that process's
 * contribution, recorded in an earlier run) and records this process's own buffer.
 */
class ScriptedPeer implements StatsReducer {
  readonly sent: Float64Array[] = [];
  constructor(private readonly other: readonly Float64Array[]) {}
  allreduce(data: Float64Array): void {
    this.sent.push(data.slice());
    const o = this.other[this.sent.length - 1];
    if (o) for (let i = 0; i < data.length; i++) data[i]! += o[i]!;
  }
}

const C = 3;
const gammaValues = [1.2, 0.7, -0.4];
const betaValues = [0.1, -0.3, 0.5];

interface RankRun {
  y: Tensor;
  dx: Tensor;
  dgamma: Tensor;
  dbeta: Tensor;
  mean: Tensor;
  variance: Tensor;
  sent: Float64Array[];
}

/** One process's forward and backward of L = Σ w ⊙ BN(x), with batch norm given by `bn`. */
function runRank(
  x: Tensor,
  w: Tensor,
  bn: (x: Tensor, g: Tensor, b: Tensor, rm: Variable, rv: Variable) => Tensor,
  sent: Float64Array[] = [],
): RankRun {
  const own = (t: Tensor, trainable = true) => {
    const v = variable(t, { trainable });
    t.dispose();
    return v;
  };
  const gamma = own(tensor(gammaValues, [C]));
  const beta = own(tensor(betaValues, [C]));
  const mean = own(zeros([C]), false);
  const variance = own(ones([C]), false);
  let y: Tensor | undefined;
  const { value, grads } = valueAndGrads(() => {
    y = keep(bn(x, gamma, beta, mean, variance));
    return sum(mul(y, w));
  }, [x, gamma, beta]);
  dispose([value, gamma, beta]);
  const [dx, dgamma, dbeta] = grads as [Tensor, Tensor, Tensor];
  return { y: y!, dx, dgamma, dbeta, mean, variance, sent };
}

describe('syncBatchNorm', () => {
  it('across two processes with 3 and 1 images equals batchNorm over all 4', () => {
    const x = randomNormal([4, C, 2, 3], { seed: 3, mean: 0.5, std: 2 });
    const w = randomNormal([4, C, 2, 3], { seed: 4 });
    const parts = [slice(x, [0, 0, 0, 0], [3, C, 2, 3]), slice(x, [3, 0, 0, 0], [1, C, 2, 3])];
    const ws = [slice(w, [0, 0, 0, 0], [3, C, 2, 3]), slice(w, [3, 0, 0, 0], [1, C, 2, 3])];
    const before = memory().numTensors;
    const full = runRank(x, w, (xx, g, b, rm, rv) =>
      batchNorm(xx, g, b, { training: true, runningMean: rm, runningVar: rv, eps: 2e-5 }),
    );
    const synced = (r: number, other: Float64Array[]): RankRun => {
      const peer = new ScriptedPeer(other);
      return runRank(
        parts[r]!,
        ws[r]!,
        (xx, g, b, rm, rv) =>
          syncBatchNorm(xx, g, b, { reducer: peer, runningMean: rm, runningVar: rv, eps: 2e-5 }),
        peer.sent,
      );
    };
    const free = (r: RankRun) => dispose([r.y, r.dx, r.dgamma, r.dbeta, r.mean, r.variance]);
    // Record each side's contributions: forward statistics first, then the backward sums.
    const a = synced(1, []);
    const b = synced(0, [a.sent[0]!]);
    const p1 = synced(1, [b.sent[0]!, b.sent[1]!]);
    const p0 = synced(0, [a.sent[0]!, p1.sent[1]!]);
    free(a);
    free(b);

    for (const [r, p] of [p0, p1].entries()) {
      const lo = r === 0 ? 0 : 3;
      const n = r === 0 ? 3 : 1;
      const part = (t: Tensor) => slice(t, [lo, 0, 0, 0], [n, C, 2, 3]);
      const fy = part(full.y);
      const fdx = part(full.dx);
      expect(maxAbsDiff(p.y, fy), `rank ${r} y`).toBeLessThan(1e-5);
      expect(maxAbsDiff(p.dx, fdx), `rank ${r} dx`).toBeLessThan(1e-5);
      expect(maxAbsDiff(p.mean, full.mean), `rank ${r} running mean`).toBeLessThan(1e-6);
      expect(maxAbsDiff(p.variance, full.variance), `rank ${r} running var`).toBeLessThan(1e-5);
      dispose([fy, fdx]);
    }
    // γ and β get each process's share; summed over processes they are the full gradients.
    const dg = Array.from(p0.dgamma.dataSync(), (v, i) => v + p1.dgamma.dataSync()[i]!);
    const db = Array.from(p0.dbeta.dataSync(), (v, i) => v + p1.dbeta.dataSync()[i]!);
    dg.forEach((v, i) => {
      expect(v).toBeCloseTo(full.dgamma.dataSync()[i]!, 4);
    });
    db.forEach((v, i) => {
      expect(v).toBeCloseTo(full.dbeta.dataSync()[i]!, 4);
    });
    for (const r of [full, p0, p1]) free(r);
    expect(memory().numTensors).toBe(before);
    dispose([x, w, ...parts, ...ws]);
  });

  it('BatchNorm2d switches to it in training once converted, and back', () => {
    const calls: number[] = [];
    const reducer: StatsReducer = { allreduce: (d) => calls.push(d.length) };
    const net = new Sequential(['bn1', new BatchNorm2d(2)], ['bn2', new BatchNorm2d(2)]);
    expect(convertSyncBatchNorm(net, reducer)).toBe(2);
    const x = randomNormal([2, 2, 3, 3], { seed: 1 });
    const { value, grads } = valueAndGrads(() => sum(net.forward(x)), [x]);
    // Forward: [count, 2 sums, 2 sums] per layer; backward: 2 + 2 sums per layer, in reverse.
    expect(calls).toEqual([5, 5, 4, 4]);
    net.eval();
    const y = net.forward(x);
    expect(calls).toHaveLength(4);
    convertSyncBatchNorm(net, undefined);
    net.train();
    const z = net.forward(x);
    expect(calls).toHaveLength(4);
    dispose([value, ...grads, x, y, z]);
    net.dispose();
  });
});
