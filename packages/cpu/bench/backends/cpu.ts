import { conv2d, randomNormal, valueAndGrads } from '@igcnet/tensor';
import { type CpuKernelOptions, cpuKernelOptions, setCpuKernelOptions } from '../../src/index.js';
import type { BenchBackend, PreparedStep } from '../backend.js';
import { C, DEPTHWISE, HW, IGC_L24M2, igcUnit, L, M, N } from '../workloads.js';

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

/** W4/W5's IGC unit (workloads.ts), run under kernel options `o`. */
function igcUnitStep(o: Partial<CpuKernelOptions>, training: boolean): () => PreparedStep {
  return () => {
    const p = igcUnit(N, training);
    return { step: () => under(o, p.step), dispose: p.dispose };
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
      W4: igcUnitStep(o, false),
      W5: igcUnitStep(o, true),
      W6: groupConvStep(o, IGC_L24M2.channels, IGC_L24M2.groups, false),
      W7: groupConvStep(o, IGC_L24M2.channels, IGC_L24M2.groups, true),
      W8: groupConvStep(o, DEPTHWISE.channels, DEPTHWISE.channels, true),
    },
  };
}
