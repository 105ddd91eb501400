import {
  add,
  arange,
  channelShuffle,
  conv2d,
  dispose,
  memory,
  mul,
  Random,
  randomNormal,
  reshape,
  slice,
  sum,
  type Tensor,
  tensor,
  tidy,
  type Variable,
  valueAndGrads,
  variable,
} from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2d } from '../layers/conv2d.js';
import { maxAbs, maxAbsDiff } from '../test_util.js';
import { IGCConv } from './igc_conv.js';
import { Interleave, interleaveDestination, interleaveSource } from './interleave.js';
import {
  denseEquivalentConv,
  regularConvIGC,
  summationFusionIGC,
  xceptionDirect,
  xceptionIGC,
} from './special_cases.js';

function channelsOf(t: Tensor): number[] {
  // x is [1, C, 1, 1] holding each channel's original index.
  return Array.from(t.dataSync());
}

describe('Interleave', () => {
  it('maps l·M+m to m·L+l and Interleave(M) inverts it', () => {
    const L = 3;
    const M = 4;
    const x = reshape(arange(0, L * M, 'float32'), [1, L * M, 1, 1]);
    const y = new Interleave(L).forward(x);
    // Paper.md §1.2: for L=3, M=4 the order after reorder1 is [0,4,8,1,5,9,2,6,10,3,7,11].
    expect(channelsOf(y)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    const dest = interleaveDestination(L * M, L);
    for (let l = 0; l < L; l++) for (let m = 0; m < M; m++) expect(dest[l * M + m]).toBe(m * L + l);
    expect(Array.from(interleaveSource(L * M, L))).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    const back = new Interleave(M).forward(y);
    expect(channelsOf(back)).toEqual(Array.from({ length: L * M }, (_, i) => i));
    dispose([x, y, back]);
  });

  it('rejects a channel count that does not split', () => {
    expect(() => new Interleave(5).outputShape([12, 4, 4])).toThrow(
      /12 channels cannot be split into 5 groups/,
    );
  });
});

describe('IGCConv', () => {
  it('has G²(S/L + 1/M) parameters and the primary/secondary structure', () => {
    const igc = new IGCConv(48, 48, { primaryPartitions: 24, init: 'zeros' });
    expect(igc.M).toBe(2);
    expect(igc.primary.weight.shape).toEqual([48, 2, 3, 3]);
    expect(igc.secondary.weight.shape).toEqual([48, 24, 1, 1]);
    // paper.md §1.4 worked check: IGC-L24M2 at G = 48 has 864 + 1152 = 2016 parameters.
    expect(igc.numParameters()).toBe(2016);
    expect(new IGCConv(32, 32, { primaryPartitions: 4, init: 'zeros' }).numParameters()).toBe(2432);
    expect(igc.namedParameters().map(([n]) => n)).toEqual(['primary.weight', 'secondary.weight']);
    expect(igc.toString()).toContain('(interleave): Interleave(groups=24)');
    expect(igc.toString()).toContain('(interleaveBack): Interleave(groups=2)');
    igc.dispose();
  });

  it('is primary → interleave(L) → secondary → interleave(M), built from raw ops', () => {
    const igc = new IGCConv(12, 12, { primaryPartitions: 3, rng: new Random(1) });
    const x = randomNormal([2, 12, 5, 5], { seed: 2 });
    const manual = tidy(() => {
      const p = conv2d(x, igc.primary.weight, { padding: 1, groups: 3 });
      const s = conv2d(channelShuffle(p, 3), igc.secondary.weight, { groups: 4 });
      return channelShuffle(s, 4);
    });
    const y = igc.forward(x);
    expect(maxAbsDiff(y, manual)).toBe(0);
    dispose([x, y, manual]);
    igc.dispose();
  });

  it('equals a dense conv with the product kernel (also the CIFAR down-sampling quirk)', async () => {
    const rng = new Random(3);
    const cases = [
      new IGCConv(12, 12, { primaryPartitions: 3, rng }),
      new IGCConv(8, 16, { primaryPartitions: 2, stride: 2, rng }),
      // resnet_igc's down-sampling unit: M_prev secondary partitions of 2L channels.
      new IGCConv(8, 16, { primaryPartitions: 2, secondaryPartitions: 4, stride: 2, rng }),
      new IGCConv(6, 6, { primaryPartitions: 2, kernelSize: 5, dilation: 2, rng }),
    ];
    for (const igc of cases) {
      const dense = await denseEquivalentConv(igc);
      const x = randomNormal([2, igc.inChannels, 9, 9], { seed: 4 });
      const a = igc.forward(x);
      const b = dense.forward(x);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
      dispose([x, a, b]);
      dense.dispose();
      igc.dispose();
    }
  });

  it('has finite-difference-correct gradients', () => {
    const igc = new IGCConv(4, 4, { primaryPartitions: 2, rng: new Random(5) });
    const x0 = randomNormal([1, 4, 4, 4], { seed: 6 });
    const x = variable(x0);
    const w = randomNormal([1, 4, 4, 4], { seed: 7 });
    const loss = (): Tensor => sum(mul(igc.forward(x), w));
    const targets: Variable[] = [...igc.parameters(), x];
    const { value, grads } = valueAndGrads(loss, targets);
    value.dispose();
    const eps = 1e-2;
    targets.forEach((t, ti) => {
      const g = grads[ti]!.dataSync();
      expect(maxAbs(grads[ti]!)).toBeGreaterThan(0);
      const base = Float32Array.from(t.dataSync());
      const probe = (i: number, delta: number): number => {
        const v = Float32Array.from(base);
        v[i] = base[i]! + delta;
        const p = tensor(v, t.shape);
        t.assign(p);
        p.dispose();
        return tidy(() => loss().dataSync()[0]!);
      };
      for (const i of [0, 3, Math.floor(base.length / 2), base.length - 1]) {
        const fd = (probe(i, eps) - probe(i, -eps)) / (2 * eps);
        expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-2 * Math.max(1, Math.abs(fd)));
      }
      const restore = tensor(base, t.shape);
      t.assign(restore);
      restore.dispose();
    });
    dispose([x0, x, w, ...grads]);
    igc.dispose();
  });

  it('does not leak in tidy or in a gradient step', () => {
    const igc = new IGCConv(8, 8, { primaryPartitions: 4 });
    const x = randomNormal([2, 8, 6, 6], { seed: 8 });
    const before = memory().numTensors;
    tidy(() => {
      igc.forward(x);
    });
    const { value, grads } = valueAndGrads(() => sum(igc.forward(x)), igc.parameters());
    dispose([value, ...grads]);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    igc.dispose();
  });
});

describe('special cases', () => {
  it('L = 1 is a regular conv', async () => {
    const igc = regularConvIGC(6, { rng: new Random(9) });
    expect(igc.L).toBe(1);
    expect(igc.M).toBe(6);
    expect(igc.primary.groups).toBe(1);
    expect(igc.secondary.weight.shape).toEqual([6, 1, 1, 1]);
    const dense = await denseEquivalentConv(igc);
    // The direct form: a regular 3×3 conv whose kernel is the primary kernel scaled per output
    // channel by the secondary 1×1 "group" of one channel.
    const direct = new Conv2d(6, 6, { kernelSize: 3, padding: 1, init: 'zeros' });
    const scaled = tidy(() => mul(igc.primary.weight, reshape(igc.secondary.weight, [6, 1, 1, 1])));
    direct.weight.assign(scaled);
    expect(maxAbsDiff(direct.weight, dense.weight)).toBeLessThan(1e-6);
    const x = randomNormal([2, 6, 7, 7], { seed: 10 });
    const a = igc.forward(x);
    const b = direct.forward(x);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    dispose([x, a, b, scaled]);
    for (const m of [igc, dense, direct]) m.dispose();
  });

  it('M = 1 is Xception: depthwise then pointwise', () => {
    const igc = xceptionIGC(6, { rng: new Random(11) });
    expect(igc.L).toBe(6);
    expect(igc.primary.weight.shape).toEqual([6, 1, 3, 3]);
    expect(igc.secondary.weight.shape).toEqual([6, 6, 1, 1]);
    const direct = xceptionDirect(igc);
    expect(direct.toString()).toContain('(depthwise): Conv2d(6, 6, kernel=3, padding=1, groups=6)');
    const x = randomNormal([2, 6, 7, 7], { seed: 12 });
    const a = igc.forward(x);
    const b = direct.forward(x);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    dispose([x, a, b]);
    igc.dispose();
    direct.dispose();
  });

  it('summation fusion is a group conv summed over branches, with a fixed all-ones secondary', async () => {
    const L = 3;
    const igc = summationFusionIGC(6, 4, L, { rng: new Random(13) });
    // The all-ones kernel is a buffer: not trained, not counted.
    expect(igc.namedParameters().map(([n]) => n)).toEqual(['primary.weight']);
    expect(igc.namedBuffers().map(([n]) => n)).toEqual(['secondary.weight']);
    expect(Array.from(igc.secondary.weight.dataSync()).every((v) => v === 1)).toBe(true);
    expect(igc.numParameters()).toBe(L * 4 * 2 * 9);
    const x = randomNormal([2, 6, 7, 7], { seed: 14 });
    // Direct form: branch l convolves its 2 input channels to all 4 outputs; outputs add up.
    const direct = tidy(() => {
      let acc: Tensor | undefined;
      for (let l = 0; l < L; l++) {
        const xl = slice(x, [0, 2 * l, 0, 0], [2, 2, 7, 7]);
        const wl = slice(igc.primary.weight, [4 * l, 0, 0, 0], [4, 2, 3, 3]);
        const yl = conv2d(xl, wl, { padding: 1 });
        acc = acc ? add(acc, yl) : yl;
      }
      return acc!;
    });
    const y = igc.forward(x);
    expect(y.shape).toEqual([2, 4, 7, 7]);
    expect(maxAbsDiff(y, direct)).toBeLessThan(1e-5);
    // …and a regular conv whose kernel concatenates the branch kernels over input channels.
    const dense = await denseEquivalentConv(igc);
    const z = dense.forward(x);
    expect(maxAbsDiff(y, z)).toBeLessThan(1e-5);
    dispose([x, y, z, direct]);
    igc.dispose();
    dense.dispose();
  });
});
