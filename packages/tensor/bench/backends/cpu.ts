import {
  type CpuKernelOptions,
  cpuKernelOptions,
  setCpuKernelOptions,
} from '../../src/cpu/conv/index.js';
import {
  batchNorm,
  channelShuffle,
  conv2d,
  ones,
  randomNormal,
  relu,
  type Tensor,
  tidy,
  valueAndGrads,
  variable,
  zeros,
} from '../../src/index.js';
import type { BenchBackend, PreparedStep } from '../backend.js';
import { C, DEPTHWISE, HW, IGC_L24M2, L, M, N } from '../workloads.js';

/** Runs f under kernel options `o`, restoring the previous ones. */
function under<T>(o: Partial<CpuKernelOptions>, f: () => T): T {
  const prev = { ...cpuKernelOptions() };
  setCpuKernelOptions(o);
  try {
    return f();
  } finally {
    setCpuKernelOptions(prev);
  }
}

function convStep(
  o: Partial<CpuKernelOptions>,
  wShape: number[],
  padding: number,
  groups: number,
): () => PreparedStep {
  return () => {
    const x = randomNormal([N, C, HW, HW]);
    const w = randomNormal(wShape);
    return {
      step: () => under(o, () => conv2d(x, w, { padding, groups }).dispose()),
      dispose: () => {
        x.dispose();
        w.dispose();
      },
    };
  };
}

/** A 3×3 pad-1 group conv of `channels` at HW×HW, forward only or with both gradients. */
function groupConvStep(
  o: Partial<CpuKernelOptions>,
  channels: number,
  groups: number,
  training: boolean,
): () => PreparedStep {
  return () => {
    const x = randomNormal([N, channels, HW, HW]);
    const w = randomNormal([channels, channels / groups, 3, 3]);
    const opts = { padding: 1, groups };
    const step = training
      ? () => {
          const { value, grads } = valueAndGrads(() => conv2d(x, w, opts), [x, w]);
          value.dispose();
          for (const g of grads) g.dispose();
        }
      : () => conv2d(x, w, opts).dispose();
    return {
      step: () => under(o, step),
      dispose: () => {
        x.dispose();
        w.dispose();
      },
    };
  };
}

/** One IGC unit, as W4/W5 define it, built from the public ops. */
function igcUnit(o: Partial<CpuKernelOptions>, training: boolean): () => PreparedStep {
  return () => {
    const x = randomNormal([N, C, HW, HW]);
    const w1 = variable(randomNormal([C, M, 3, 3], { std: 0.1 }));
    const w2 = variable(randomNormal([C, C / M, 1, 1], { std: 0.5 }));
    const gamma = variable(ones([C]));
    const beta = variable(zeros([C]));
    const runningMean = variable(zeros([C]), { trainable: false });
    const runningVar = variable(ones([C]), { trainable: false });
    const forward = (): Tensor => {
      let y = conv2d(x, w1, { padding: 1, groups: L });
      y = channelShuffle(y, L);
      y = conv2d(y, w2, { groups: M });
      y = channelShuffle(y, M);
      y = batchNorm(y, gamma, beta, { training, runningMean, runningVar });
      return relu(y);
    };
    const step = training
      ? () => {
          const { value, grads } = valueAndGrads(forward, [x, w1, w2, gamma, beta]);
          value.dispose();
          for (const g of grads) g.dispose();
        }
      : () => tidy(forward).dispose();
    return {
      step: () => under(o, step),
      dispose: () => {
        for (const t of [x, w1, w2, gamma, beta, runningMean, runningVar]) t.dispose();
      },
    };
  };
}

/** Our CPU backend under the given kernel options. */
export function cpuBench(name: string, o: Partial<CpuKernelOptions>): BenchBackend {
  return {
    name,
    init: async () => null,
    info: () => {
      const eff = { ...cpuKernelOptions(), ...o };
      return { impl: eff.impl, threads: eff.impl === 'ts' ? 1 : eff.threads };
    },
    workloads: {
      W1: convStep(o, [C, M, 3, 3], 1, L),
      W2: convStep(o, [C, C / M, 1, 1], 0, M),
      W3: convStep(o, [C, C, 3, 3], 1, 1),
      W4: igcUnit(o, false),
      W5: igcUnit(o, true),
      W6: groupConvStep(o, IGC_L24M2.channels, IGC_L24M2.groups, false),
      W7: groupConvStep(o, IGC_L24M2.channels, IGC_L24M2.groups, true),
      W8: groupConvStep(o, DEPTHWISE.channels, DEPTHWISE.channels, true),
    },
  };
}
