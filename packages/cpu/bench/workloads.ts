/** The workloads of the CPU performance issue; FLOPs count 2 per multiply-add. */
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
} from '@igcnet/tensor';

/** Workload identifiers. */
export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7' | 'W8';

/** One benchmark workload. */
export interface Workload {
  id: WorkloadId;
  title: string;
  flops: number;
}

/** Batch, channels, spatial size shared by every workload (float32, NCHW). */
export const N = 64;
export const C = 64;
export const HW = 32;
/** IGC unit: L primary groups of M channels (C = L·M). */
export const L = 4;
export const M = 16;

const pixels = N * HW * HW;
/** Multiply-adds of the primary 3×3 group conv (W1): every output sees M·9 inputs. */
const W1_MACS = pixels * C * M * 9;
/** Secondary 1×1 group conv (W2): 16 groups of 4 channels (L·… as in the issue), 4 inputs each. */
const W2_MACS = pixels * C * 4;
/** Regular 3×3 conv 64→64. */
const W3_MACS = pixels * C * C * 9;

/** W1–W5. W4 counts only its convs (BN, ReLU and shuffles excluded); W5 counts forward + both backward passes of both convs. */
export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', title: '3×3 group conv, 4 groups of 16', flops: 2 * W1_MACS },
  { id: 'W2', title: '1×1 group conv, 16 groups of 4', flops: 2 * W2_MACS },
  { id: 'W3', title: '3×3 conv 64→64', flops: 2 * W3_MACS },
  { id: 'W4', title: 'IGC unit forward (convs only counted)', flops: 2 * (W1_MACS + W2_MACS) },
  { id: 'W5', title: 'IGC unit training step (3× conv FLOPs)', flops: 3 * 2 * (W1_MACS + W2_MACS) },
];

/** IGC-L24M2's first-stage primary conv: 3×3, 24 groups of 2 channels, 48 channels at 32×32. */
export const IGC_L24M2 = { channels: 48, groups: 24 } as const;
/** A depthwise 3×3 conv (groups = channels, the paper's M = 1 case) at 32×32. */
export const DEPTHWISE = { channels: 32 } as const;

const W6_MACS = pixels * IGC_L24M2.channels * (IGC_L24M2.channels / IGC_L24M2.groups) * 9;
const W8_MACS = pixels * DEPTHWISE.channels * 9;

/**
 * Tiny-group convs, the direct small-group kernels' shapes. A separate list: other benchmarks
 * (the WebGPU one) iterate WORKLOADS and need not know these.
 */
export const SMALL_GROUP_WORKLOADS: readonly Workload[] = [
  { id: 'W6', title: 'IGC-L24M2 primary 3×3, 24 groups of 2', flops: 2 * W6_MACS },
  { id: 'W7', title: 'W6 training step (3× conv FLOPs)', flops: 3 * 2 * W6_MACS },
  { id: 'W8', title: 'depthwise 3×3 training step (3× FLOPs)', flops: 3 * 2 * W8_MACS },
];

/** A prepared workload: `step` runs it once (synchronously or not); `dispose` frees its data. */
export interface PreparedStep {
  step: () => unknown;
  dispose: () => void;
}

/**
 * One IGC unit as W4 (forward, `training` false) and W5 (a training step) define it, from the
 * public ops on the active backend: primary 3×3 group conv (L groups) → interleave → secondary
 * 1×1 group conv (M groups) → interleave back → batch norm → ReLU, at a batch of `batch`.
 */
export function igcUnit(batch: number, training: boolean): PreparedStep {
  const x = randomNormal([batch, C, HW, HW], { seed: 3 });
  const w1 = variable(randomNormal([C, M, 3, 3], { std: 0.1, seed: 4 }));
  const w2 = variable(randomNormal([C, C / M, 1, 1], { std: 0.5, seed: 5 }));
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
  return {
    step: training
      ? () => {
          const { value, grads } = valueAndGrads(forward, [x, w1, w2, gamma, beta]);
          value.dispose();
          for (const g of grads) g.dispose();
        }
      : () => tidy(forward).dispose(),
    dispose: () => {
      for (const t of [x, w1, w2, gamma, beta, runningMean, runningVar]) t.dispose();
    },
  };
}
