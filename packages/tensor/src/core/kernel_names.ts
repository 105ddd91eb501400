/**
 * The kernel contract between ops and backends. Every kernel has a name, typed inputs and typed
 * attributes; ops validate shapes and attributes before they run a kernel, so a kernel may trust
 * what it receives. Gradients are defined once per kernel in `gradients/`, in terms of ops.
 */
import type { DType } from './dtype.js';
import type { TensorInfo } from './tensor_info.js';

/** No attributes. */
export type NoAttrs = Record<string, never>;

/** Inputs of a two-operand elementwise kernel; shapes broadcast NumPy-style. */
export interface BinaryInputs {
  a: TensorInfo;
  b: TensorInfo;
}
/** Input of a one-operand elementwise kernel. */
export interface UnaryInputs {
  x: TensorInfo;
}

/**
 * Attributes of the conv kernels: strides, explicit paddings and dilations of the 2-D window,
 * groups and the folded interleaves, all resolved by the op. Backends derive the full geometry
 * (sizes included) with `conv2dGeometry` from `@igcnet/tensor/backend`.
 */
export interface Conv2DAttrs {
  /** [strideH, strideW] */
  stride: readonly [number, number];
  /** [top, bottom, left, right] zero padding. */
  pad: readonly [number, number, number, number];
  /** [dilationH, dilationW] */
  dilation: readonly [number, number];
  /** Channel groups; Cin and Cout are both multiples of it. */
  groups: number;
  /**
   * The IGC interleave folded into the conv: the kernel convolves channelShuffle(x, inShuffle)
   * and returns channelShuffle(y, outShuffle) without materialising either (1 or absent: none).
   * The backprop kernels take the same values and differentiate that composite.
   */
  inShuffle?: number;
  outShuffle?: number;
}

/** Window of a pooling kernel. */
export interface Pool2DAttrs {
  /** [kernelH, kernelW] */
  kernel: readonly [number, number];
  /** [strideH, strideW] */
  stride: readonly [number, number];
  /** [top, bottom, left, right] padding; padded cells never win a max and count per `countIncludePad`. */
  pad: readonly [number, number, number, number];
}

/** Attributes of the fused, in-place SGD update. */
export interface SGDAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * Every kernel of the contract: its inputs, attributes and outputs. A backend registers an
 * implementation for any subset; running a kernel it lacks is an error that names the kernel.
 */
export interface KernelDefs {
  // Elementwise, binary, broadcasting. Both inputs have the same dtype; the output has it too.
  Add: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Sub: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Mul: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** Float division; on int32, floor division (as NumPy's `//`). */
  Div: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Maximum: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** 1 where a >= b, else 0, as float32. */
  GreaterEqual: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };

  // Elementwise, unary. Neg and Square also take int32.
  Neg: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Relu: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** 1 where x > 0, else 0 (the derivative of ReLU). */
  Step: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Exp: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Log: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Sqrt: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  Square: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  PowScalar: { inputs: UnaryInputs; attrs: { exponent: number }; outputs: TensorInfo };
  Cast: { inputs: UnaryInputs; attrs: { dtype: DType }; outputs: TensorInfo };
  /** A copy into fresh storage. */
  Identity: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };

  // Reductions over sorted, distinct axes.
  Sum: {
    inputs: UnaryInputs;
    attrs: { axes: readonly number[]; keepDims: boolean };
    outputs: TensorInfo;
  };
  Max: {
    inputs: UnaryInputs;
    attrs: { axes: readonly number[]; keepDims: boolean };
    outputs: TensorInfo;
  };
  /** Index of the first maximum along one axis, as int32; the axis is removed. */
  ArgMax: { inputs: UnaryInputs; attrs: { axis: number }; outputs: TensorInfo };

  // Layout.
  Transpose: { inputs: UnaryInputs; attrs: { perm: readonly number[] }; outputs: TensorInfo };
  Concat: { inputs: { xs: readonly TensorInfo[] }; attrs: { axis: number }; outputs: TensorInfo };
  Slice: {
    inputs: UnaryInputs;
    attrs: { begin: readonly number[]; size: readonly number[] };
    outputs: TensorInfo;
  };
  Pad: {
    inputs: UnaryInputs;
    attrs: { paddings: readonly (readonly [number, number])[]; value: number };
    outputs: TensorInfo;
  };
  /**
   * The IGC interleave on axis 1 of C channels: out[:, b*g + a] = in[:, a*(C/g) + b], i.e. the
   * channel l*M+m moves to m*L+l for g = L, M = C/L.
   */
  ChannelShuffle: { inputs: UnaryInputs; attrs: { groups: number }; outputs: TensorInfo };

  // Linear algebra. a: [M,K] or [B,M,K] (transposed per the flags), b likewise; a batch of 1
  // broadcasts.
  MatMul: {
    inputs: BinaryInputs;
    attrs: { transposeA: boolean; transposeB: boolean };
    outputs: TensorInfo;
  };

  // Convolution, NCHW input, OIHW weight ([Cout, Cin/groups, kh, kw]).
  Conv2D: {
    inputs: { x: TensorInfo; w: TensorInfo; bias?: TensorInfo };
    attrs: Conv2DAttrs;
    outputs: TensorInfo;
  };
  /**
   * Inference-only convolution with its epilogue fused, as tfjs's FusedConv2D: y =
   * S_out(conv(S_in(x), w) + bias) as Conv2D computes it (bias per row of w), then batch norm
   * with the given running statistics per channel of y (gamma, beta, mean and variance all given,
   * or none), then ReLU when `relu`. It has no gradient: `fusedConv2d` runs it only when nothing
   * is being recorded, so a backend may implement it as one pass (WebGPU: a GEMM epilogue).
   */
  FusedConv2D: {
    inputs: {
      x: TensorInfo;
      w: TensorInfo;
      bias?: TensorInfo;
      gamma?: TensorInfo;
      beta?: TensorInfo;
      mean?: TensorInfo;
      variance?: TensorInfo;
    };
    attrs: Conv2DAttrs & { eps: number; relu: boolean };
    outputs: TensorInfo;
  };
  /** Gradient of Conv2D with respect to its input, of shape `inputShape`. */
  Conv2DBackpropInput: {
    inputs: { dy: TensorInfo; w: TensorInfo };
    attrs: Conv2DAttrs & { inputShape: readonly [number, number, number, number] };
    outputs: TensorInfo;
  };
  /** Gradient of Conv2D with respect to its weight, of shape `filterShape`. */
  Conv2DBackpropFilter: {
    inputs: { x: TensorInfo; dy: TensorInfo };
    attrs: Conv2DAttrs & { filterShape: readonly [number, number, number, number] };
    outputs: TensorInfo;
  };

  // Pooling, NCHW.
  MaxPool: { inputs: UnaryInputs; attrs: Pool2DAttrs; outputs: TensorInfo };
  /** Routes dy to the first maximum of each window of x. */
  MaxPoolGrad: {
    inputs: { dy: TensorInfo; x: TensorInfo };
    attrs: Pool2DAttrs;
    outputs: TensorInfo;
  };
  AvgPool: {
    inputs: UnaryInputs;
    attrs: Pool2DAttrs & { countIncludePad: boolean };
    outputs: TensorInfo;
  };
  AvgPoolGrad: {
    inputs: { dy: TensorInfo };
    attrs: Pool2DAttrs & {
      countIncludePad: boolean;
      inputShape: readonly [number, number, number, number];
    };
    outputs: TensorInfo;
  };

  // Batch normalisation over every axis but 1 (x is [N,C] or [N,C,H,W]; parameters are [C]).
  /** Normalises with batch statistics; outputs y, the batch mean and the biased batch variance. */
  BatchNormTrain: {
    inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    attrs: { eps: number };
    outputs: readonly [TensorInfo, TensorInfo, TensorInfo];
  };
  /**
   * Gradient of BatchNormTrain for the batch `mean` and biased `variance` it returned: dx, dγ
   * and dβ. One kernel rather than a chain of ops, because BN's backward is a large share of a
   * training step.
   */
  BatchNormTrainGrad: {
    inputs: {
      dy: TensorInfo;
      x: TensorInfo;
      gamma: TensorInfo;
      mean: TensorInfo;
      variance: TensorInfo;
    };
    attrs: { eps: number };
    outputs: readonly [TensorInfo, TensorInfo, TensorInfo];
  };
  /** Normalises with given (running) statistics. */
  BatchNormInfer: {
    inputs: {
      x: TensorInfo;
      gamma: TensorInfo;
      beta: TensorInfo;
      mean: TensorInfo;
      variance: TensorInfo;
    };
    attrs: { eps: number };
    outputs: TensorInfo;
  };

  /**
   * BatchNormTrain followed by ReLU in one kernel, for training: y = relu(γ·(x − mean)/√(var +
   * eps) + β) with the batch mean and biased variance, which it returns too (as BatchNormTrain).
   * y equals Relu of BatchNormTrain's y: NaN stays NaN, −0 and negatives become +0. Lets a
   * backend normalise and clamp in one pass over x instead of two. Optional: `batchNormRelu`
   * runs BatchNormTrain then Relu on a backend that lacks it. The kit checks y, mean and variance
   * against a float64 reference, y against that composition, and the gradient (through
   * BatchNormReluTrainGrad) against finite differences.
   */
  BatchNormReluTrain: {
    inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    attrs: { eps: number };
    outputs: readonly [TensorInfo, TensorInfo, TensorInfo];
  };
  /**
   * Gradient of BatchNormReluTrain, in one kernel: BatchNormTrainGrad of dz for the batch `mean`
   * and biased `variance` it returned, where dz = dy where y > 0 and 0 elsewhere (y is its
   * output: y > 0 exactly where the ReLU passed its input). Outputs dx, dγ and dβ. Where y ≤ 0
   * (or NaN) dz is 0 even for a non-finite dy, as PyTorch's threshold backward; the composition
   * dy·Step(y) would give NaN there. Optional: the gradient of BatchNormReluTrain runs
   * Step, Mul and BatchNormTrainGrad on a backend that lacks it. The kit checks it against a
   * float64 reference (with a masked-out ∞ in dy) and against that composition.
   */
  BatchNormReluTrainGrad: {
    inputs: {
      dy: TensorInfo;
      y: TensorInfo;
      x: TensorInfo;
      gamma: TensorInfo;
      mean: TensorInfo;
      variance: TensorInfo;
    };
    attrs: { eps: number };
    outputs: readonly [TensorInfo, TensorInfo, TensorInfo];
  };

  // Classification, along the last axis.
  Softmax: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  LogSoftmax: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** Per-row loss -log softmax(logits)[label]; logits [N,C] float32, labels [N] int32. */
  SoftmaxCrossEntropy: {
    inputs: { logits: TensorInfo; labels: TensorInfo };
    attrs: NoAttrs;
    outputs: TensorInfo;
  };
  /** float32 one-hot rows of width `depth` for int32 indices; out-of-range indices give zeros. */
  OneHot: { inputs: { indices: TensorInfo }; attrs: { depth: number }; outputs: TensorInfo };
  /** The k largest along the last axis, descending; ties keep the lower index first. */
  TopK: {
    inputs: UnaryInputs;
    attrs: { k: number };
    outputs: readonly [TensorInfo, TensorInfo];
  };

  // Optimisation.
  /**
   * In place, as PyTorch's SGD: g = grad + wd·param; v = momentum·v + (1 − dampening)·g (v = g on
   * the first step is the caller's business: pass dampening 0); step = nesterov ? g + momentum·v :
   * v; param −= lr·step. With momentum 0, v is left untouched.
   */
  SGDUpdate: {
    inputs: { param: TensorInfo; grad: TensorInfo; velocity: TensorInfo };
    attrs: SGDAttrs;
    outputs: readonly [];
  };
}

/** Name of a kernel of the contract. */
export type KernelName = keyof KernelDefs;
/** Inputs of kernel K. */
export type KernelInputs<K extends KernelName> = KernelDefs[K]['inputs'];
/** Attributes of kernel K. */
export type KernelAttrs<K extends KernelName> = KernelDefs[K]['attrs'];
/** Outputs of kernel K. */
export type KernelOutputs<K extends KernelName> = KernelDefs[K]['outputs'];

/**
 * Every kernel of the contract, once. `satisfies` makes a name added to KernelDefs but not here
 * (or the reverse) a compile error, so no kernel can drop out of the conformance coverage check.
 */
const KERNELS = {
  Add: true,
  Sub: true,
  Mul: true,
  Div: true,
  Maximum: true,
  GreaterEqual: true,
  Neg: true,
  Relu: true,
  Step: true,
  Exp: true,
  Log: true,
  Sqrt: true,
  Square: true,
  PowScalar: true,
  Cast: true,
  Identity: true,
  Sum: true,
  Max: true,
  ArgMax: true,
  Transpose: true,
  Concat: true,
  Slice: true,
  Pad: true,
  ChannelShuffle: true,
  MatMul: true,
  Conv2D: true,
  FusedConv2D: true,
  Conv2DBackpropInput: true,
  Conv2DBackpropFilter: true,
  MaxPool: true,
  MaxPoolGrad: true,
  AvgPool: true,
  AvgPoolGrad: true,
  BatchNormTrain: true,
  BatchNormTrainGrad: true,
  BatchNormInfer: true,
  BatchNormReluTrain: true,
  BatchNormReluTrainGrad: true,
  Softmax: true,
  LogSoftmax: true,
  SoftmaxCrossEntropy: true,
  OneHot: true,
  TopK: true,
  SGDUpdate: true,
} as const satisfies Record<KernelName, true>;

/** Every kernel name, for suites that check a backend's coverage. */
export const KERNEL_NAMES: readonly KernelName[] = Object.keys(KERNELS) as KernelName[];
