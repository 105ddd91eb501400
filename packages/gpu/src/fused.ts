/**
 * Fused forward convolution for the WebGPU backend, beyond the kernel contract: bias, inference
 * batch norm and ReLU in the GEMM epilogue, and the IGC interleave before and/or after the conv
 * folded into its indexing (no data moves). `@igcnet/layers` can call it for inference; it records
 * no gradient (the contract's Conv2D + ChannelShuffle + BatchNorm + Relu remain the training path).
 */
import { ENGINE, type Tensor } from '@igcnet/tensor';
import { WebGpuBackend } from './backend.js';
import { convForward, type FusedInputs } from './kernels/conv.js';

/** Options of `conv2dFused`. */
export interface FusedConv2DOptions {
  stride?: number | readonly [number, number];
  /** One number for all sides, or [top, bottom, left, right]. */
  padding?: number | readonly [number, number, number, number];
  dilation?: number | readonly [number, number];
  groups?: number;
  bias?: Tensor;
  /** Inference batch norm with running statistics, applied after the bias. */
  bn?: { gamma: Tensor; beta: Tensor; mean: Tensor; variance: Tensor; eps?: number };
  relu?: boolean;
  /** The conv reads channelShuffle(x, inShuffle) without making it. */
  inShuffle?: number;
  /** The result is channelShuffle(y, outShuffle), written in place of y. */
  outShuffle?: number;
}

function pair(v: number | readonly [number, number] | undefined): [number, number] {
  return v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/**
 * relu?(bn?(conv2d(channelShuffle?(x, inShuffle), w) + bias?)), then channelShuffle?(·, outShuffle),
 * as one kernel on the WebGPU backend.
 */
export function conv2dFused(x: Tensor, w: Tensor, o: FusedConv2DOptions = {}): Tensor {
  const backend = x.backend;
  if (!(backend instanceof WebGpuBackend))
    throw new Error(`conv2dFused: x lives on '${backend.name}', not on the WebGPU backend`);
  if (ENGINE.recording())
    throw new Error(
      'conv2dFused: records no gradient; call it outside valueAndGrads (inference), or use the ops',
    );
  if (x.rank !== 4 || w.rank !== 4) throw new Error('conv2dFused: x must be NCHW and w OIHW');
  const groups = o.groups ?? 1;
  const p = o.padding ?? 0;
  const pad: [number, number, number, number] =
    typeof p === 'number' ? [p, p, p, p] : [p[0], p[1], p[2], p[3]];
  const [, cin] = x.shape as [number, number];
  const [cout, cinG] = w.shape as [number, number];
  if (cin % groups !== 0 || cout % groups !== 0 || cinG * groups !== cin) {
    throw new Error(
      `conv2dFused: x has ${cin} channels and w is [${w.shape.join(',')}], which ${groups} groups do not fit`,
    );
  }
  for (const [name, s, c] of [
    ['inShuffle', o.inShuffle ?? 1, cin],
    ['outShuffle', o.outShuffle ?? 1, cout],
  ] as const) {
    if (!Number.isInteger(s) || s < 1 || c % s !== 0)
      throw new Error(`conv2dFused: ${name} ${s} must divide ${c} channels`);
  }
  const fused: FusedInputs = {
    relu: o.relu === true,
    inShuffle: o.inShuffle ?? 1,
    outShuffle: o.outShuffle ?? 1,
  };
  if (o.bias) fused.bias = o.bias;
  if (o.bn)
    fused.bn = {
      gamma: o.bn.gamma,
      beta: o.bn.beta,
      mean: o.bn.mean,
      variance: o.bn.variance,
      eps: o.bn.eps ?? 1e-5,
    };
  for (const t of [x, w, o.bias, o.bn?.gamma, o.bn?.beta, o.bn?.mean, o.bn?.variance])
    t?.assertAlive('conv2dFused');
  const info = convForward(
    backend,
    x,
    w,
    { stride: pair(o.stride), pad, dilation: pair(o.dilation), groups },
    fused,
  );
  return ENGINE.makeTensor(info, backend);
}
