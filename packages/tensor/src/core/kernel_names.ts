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

/** Bounds of Clip and ClipGrad. */
export interface ClipAttrs {
  min: number;
  max: number;
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
 * Every kernel of the contract: its inputs, attributes and outputs, with its semantics in the doc
 * comment. A backend registers an implementation for any subset; running a kernel it lacks is an
 * error that names the kernel.
 *
 * What holds for every kernel unless its comment says otherwise:
 * - The op checked everything its comment lists (dtypes, ranks, shapes, attribute ranges) before
 *   the kernel runs: a kernel may assume it and need not check it again.
 * - float32 only. Kernels that also take int32 say so; an output has its input's dtype.
 * - Inputs are read-only and every output is fresh storage (see `Backend` for output ownership);
 *   `KERNEL_SPECS[name].mutates` lists the inputs a kernel writes in place (SGDUpdate's only).
 * - Shapes are row-major, images NCHW, conv weights OIHW. Any dimension may be 0 unless stated.
 * - Tolerances: the conformance kit compares float32 results with float64 references within
 *   `atol + rtol·max|reference|` (defaults 1e-5 and 1e-4), so a backend may reorder sums;
 *   comments that say "exactly" are compared bit for bit.
 */
export interface KernelDefs {
  // ---- Elementwise, binary ---------------------------------------------------------------------
  /**
   * a + b, broadcasting NumPy-style (the op checked that the shapes broadcast; the output has the
   * broadcast shape). float32 and int32 (both inputs have the same dtype; int32 wraps on
   * overflow, as two's complement).
   */
  Add: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** a − b, broadcasting; float32 and int32 (wraps), as Add. */
  Sub: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** a · b, broadcasting; float32 and int32 (the low 32 bits of the product, as `Math.imul`). */
  Mul: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * a / b, broadcasting. float32: IEEE division (x/0 is ±∞, 0/0 NaN). int32: floor division, as
   * NumPy's `//` (−7 // 2 = −4, 7 // −2 = −4); an int32 division by zero is backend-defined.
   */
  Div: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * max(a, b), broadcasting; float32 and int32. Exact (it selects one operand). With a NaN operand
   * the result is backend-defined (the CPU returns the NaN).
   */
  Maximum: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * 1 where a ≥ b, else 0, broadcasting. Inputs float32 or int32; the output is float32 always.
   * Exact; a NaN operand compares false (0).
   */
  GreaterEqual: { inputs: BinaryInputs; attrs: NoAttrs; outputs: TensorInfo };

  // ---- Elementwise, unary (the output has x's shape) -------------------------------------------
  /** −x; float32 and int32 (−(−2³¹) wraps to −2³¹). Exact; −0 for +0. */
  Neg: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * max(x, 0); float32 and int32. Exact, with these float32 edge values (the kit checks each):
   * −0 gives +0 (not −0), NaN stays NaN, −∞ gives 0, +∞ stays +∞, tiny and huge values of either
   * sign are kept or zeroed exactly.
   */
  Relu: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * 1 where x > 0, else 0 (ReLU's derivative, with 0 at 0); float32 and int32, output in x's
   * dtype. Exact: ±0 and NaN give 0, +∞ gives 1.
   */
  Step: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * min(max(x, min), max) on float32 (ReLU6 is min 0, max 6). Exact (it selects x or a bound);
   * NaN stays NaN, as ReLU keeps it. Either bound may be infinite; the op checked min ≤ max.
   */
  Clip: { inputs: UnaryInputs; attrs: ClipAttrs; outputs: TensorInfo };
  /**
   * The gradient of Clip: dy where min < x < max, else 0 (NaN x gives 0), as PyTorch's
   * hardtanh/ReLU6 backward. One pass instead of the four a composition of compares would take.
   */
  ClipGrad: { inputs: { dy: TensorInfo; x: TensorInfo }; attrs: ClipAttrs; outputs: TensorInfo };
  /** eˣ; float32. */
  Exp: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** Natural logarithm; float32 (log 0 = −∞, negative x gives NaN: the op does not check). */
  Log: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** √x; float32 (negative x gives NaN: the op does not check). */
  Sqrt: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** x·x; float32 and int32 (the low 32 bits of the square, as `Math.imul`). */
  Square: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * x^exponent for a finite scalar exponent (checked); float32. Negative bases with integer
   * exponents keep their sign ((−2)³ = −8); a negative base with a fractional exponent gives NaN,
   * and exponent 0 gives 1 everywhere (0⁰ = 1), as `Math.pow`.
   */
  PowScalar: { inputs: UnaryInputs; attrs: { exponent: number }; outputs: TensorInfo };
  /**
   * Converts to `dtype`, exactly: float32 → int32 truncates toward zero (−2.7 → −2, −0.5 → 0;
   * NaN and values outside the int32 range are backend-defined); int32 → float32 rounds to the
   * nearest float32 (exact up to 2²⁴). To x's own dtype it is a copy into fresh storage.
   */
  Cast: { inputs: UnaryInputs; attrs: { dtype: DType }; outputs: TensorInfo };
  /** A copy of x into fresh storage (the op `clone`); any dtype, bit for bit. */
  Identity: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };

  // ---- Reductions ------------------------------------------------------------------------------
  /**
   * Sum over `axes`: sorted, distinct, in range (the op normalised negative axes), possibly empty
   * (a copy) or all of them (a scalar, shape [] unless `keepDims`). `keepDims` keeps each
   * reduced axis as size 1. float32 (any summation order within the tolerance; the kit sums rows
   * of 4099) and int32 (exact, wrapping). The sum over an empty axis is 0.
   */
  Sum: {
    inputs: UnaryInputs;
    attrs: { axes: readonly number[]; keepDims: boolean };
    outputs: TensorInfo;
  };
  /**
   * Maximum over `axes`, shaped as Sum; float32 and int32, exact. The op checked that no reduced
   * axis is empty. With NaN in a window the result is backend-defined.
   */
  Max: {
    inputs: UnaryInputs;
    attrs: { axes: readonly number[]; keepDims: boolean };
    outputs: TensorInfo;
  };
  /**
   * Index of the first maximum along `axis` (in range, non-negative, not empty: checked), as
   * int32; the axis is removed. float32 and int32 inputs. Ties go to the lowest index.
   */
  ArgMax: { inputs: UnaryInputs; attrs: { axis: number }; outputs: TensorInfo };

  // ---- Layout (any dtype; data moves bit for bit) -----------------------------------------------
  /**
   * Permutes axes: output axis i is input axis `perm[i]` (a permutation of x's axes: checked), so
   * out.shape[i] = x.shape[perm[i]].
   */
  Transpose: { inputs: UnaryInputs; attrs: { perm: readonly number[] }; outputs: TensorInfo };
  /**
   * Joins `xs` (one or more tensors of one dtype and rank, equal on every axis but `axis`:
   * checked) along `axis` (normalised to 0…rank−1), in order.
   */
  Concat: { inputs: { xs: readonly TensorInfo[] }; attrs: { axis: number }; outputs: TensorInfo };
  /**
   * The block of `size` starting at `begin`, one entry per axis (integers with
   * 0 ≤ begin, 0 ≤ size and begin + size ≤ the axis: checked; −1 sizes resolved by the op).
   */
  Slice: {
    inputs: UnaryInputs;
    attrs: { begin: readonly number[]; size: readonly number[] };
    outputs: TensorInfo;
  };
  /**
   * Adds `paddings[i] = [before, after]` cells of `value` on each axis (non-negative integers, one
   * pair per axis: checked). On int32 `value` is an integer in the int32 range (checked).
   */
  Pad: {
    inputs: UnaryInputs;
    attrs: { paddings: readonly (readonly [number, number])[]; value: number };
    outputs: TensorInfo;
  };
  /**
   * The IGC interleave on axis 1 of C channels (rank ≥ 2; `groups` divides C: checked):
   * out[:, b*g + a] = in[:, a*(C/g) + b], i.e. the channel l*M+m moves to m*L+l for g = L,
   * M = C/L. Shuffling with M undoes shuffling with L.
   */
  ChannelShuffle: { inputs: UnaryInputs; attrs: { groups: number }; outputs: TensorInfo };

  // ---- Linear algebra --------------------------------------------------------------------------
  /**
   * op(a)·op(b), where op transposes the last two axes when its flag is set. Both operands have
   * rank 2 ([M,K]·[K,N] → [M,N]) or both rank 3 ([B,M,K]·[B,K,N] → [B,M,N]), float32, with equal
   * inner sizes K (checked; K may be 1). Rank 3: the batch sizes are equal, or one of them is 1
   * and that operand broadcasts over the other's batch (checked), so [1,M,K]·[B,K,N] → [B,M,N].
   */
  MatMul: {
    inputs: BinaryInputs;
    attrs: { transposeA: boolean; transposeB: boolean };
    outputs: TensorInfo;
  };

  // ---- Convolution (float32, NCHW input, OIHW weight) --------------------------------------------
  /**
   * 2-D cross-correlation (no kernel flip, as every framework) of x [N, Cin, H, W] with the weight
   * w [Cout, Cin/groups, kh, kw] (OIHW), plus an optional bias [Cout]: y [N, Cout, outH, outW],
   * y[n, co, i, j] = bias[co] + Σ x[n, g·Cin/groups + ci, i·sh − padTop + ky·dh,
   * j·sw − padLeft + kx·dw] · w[co, ci, ky, kx] over ci, ky, kx, where g = co div (Cout/groups)
   * and cells outside the image are zero. `conv2dGeometry` gives outH and outW. The op checked
   * the ranks, that groups divides Cin and Cout, that the window fits (outH, outW ≥ 1), the
   * shuffles (see `Conv2DAttrs`) and the bias shape. With shuffles the kernel computes
   * S_out(conv(S_in(x)) + bias): the bias is per row of w, added before the out-shuffle.
   */
  Conv2D: {
    inputs: { x: TensorInfo; w: TensorInfo; bias?: TensorInfo };
    attrs: Conv2DAttrs;
    outputs: TensorInfo;
  };
  /**
   * Inference-only convolution with its epilogue fused, as tfjs's FusedConv2D: y =
   * S_out(conv(S_in(x), w) + bias) as Conv2D computes it (bias per row of w), then batch norm
   * with the given running statistics per channel of y (gamma, beta, mean and variance all given,
   * or none; each [Cout], checked) as BatchNormInfer computes it with `eps` > 0, then ReLU when
   * `relu` (exactly max(v, 0)). It has no gradient: `fusedConv2d` runs it only when nothing is
   * being recorded, so a backend may implement it as one pass (WebGPU: a GEMM epilogue).
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
  /**
   * Gradient of Conv2D (shuffles included) with respect to its input: dx of shape `inputShape`
   * from dy [N, Cout, outH, outW] and w. Each x cell gets the sum of dy·w over the taps that read
   * it; cells no tap reads (a stride that skips them) get 0.
   */
  Conv2DBackpropInput: {
    inputs: { dy: TensorInfo; w: TensorInfo };
    attrs: Conv2DAttrs & { inputShape: readonly [number, number, number, number] };
    outputs: TensorInfo;
  };
  /**
   * Gradient of Conv2D (shuffles included) with respect to its weight: dw of shape `filterShape`
   * (OIHW), the sum of dy·x over the batch and every output cell. (The bias gradient is a Sum of
   * dy over N, H and W, not a kernel.)
   */
  Conv2DBackpropFilter: {
    inputs: { x: TensorInfo; dy: TensorInfo };
    attrs: Conv2DAttrs & { filterShape: readonly [number, number, number, number] };
    outputs: TensorInfo;
  };

  // ---- Pooling (float32, NCHW, per channel) ----------------------------------------------------
  /**
   * Maximum over each window of x [N, C, H, W]; output [N, C, outH, outW] (`pool2dGeometry`).
   * Padded cells never take part, so an all-negative window gives its largest real value; the op
   * checked that each padding is smaller than the window (every window holds a real cell) and
   * that the window fits.
   */
  MaxPool: { inputs: UnaryInputs; attrs: Pool2DAttrs; outputs: TensorInfo };
  /**
   * Gradient of MaxPool: dx shaped as x, where each window's dy goes to the first maximum of the
   * window's real cells in row-major order (ties: the first), and overlapping windows add up.
   */
  MaxPoolGrad: {
    inputs: { dy: TensorInfo; x: TensorInfo };
    attrs: Pool2DAttrs;
    outputs: TensorInfo;
  };
  /**
   * Mean over each window of x, as MaxPool's windows. The divisor is the window's cells inside
   * the padded image when `countIncludePad` (PyTorch's count_include_pad=True, the op's default;
   * windows that hang past the padding count only their cells within it), else its real cells.
   */
  AvgPool: {
    inputs: UnaryInputs;
    attrs: Pool2DAttrs & { countIncludePad: boolean };
    outputs: TensorInfo;
  };
  /**
   * Gradient of AvgPool for an input of `inputShape`: each window's dy divided by that window's
   * divisor (as AvgPool), added to each of its real cells.
   */
  AvgPoolGrad: {
    inputs: { dy: TensorInfo };
    attrs: Pool2DAttrs & {
      countIncludePad: boolean;
      inputShape: readonly [number, number, number, number];
    };
    outputs: TensorInfo;
  };

  // ---- Batch normalisation (float32, over every axis but 1) -------------------------------------
  /**
   * Normalises x ([N, C] or [N, C, H, W]; more than one value per channel: checked) with the
   * batch statistics of each channel: y = γ·(x − mean)/√(var + eps) + β, with γ, β [C] and
   * eps > 0 (checked). Outputs [y, mean, variance]: the batch mean [C] and the biased (÷ count)
   * batch variance [C]. The op updates the running statistics from these with ops.
   */
  BatchNormTrain: {
    inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    attrs: { eps: number };
    outputs: readonly [TensorInfo, TensorInfo, TensorInfo];
  };
  /**
   * Gradient of BatchNormTrain for the batch `mean` and biased `variance` it returned: outputs
   * [dx, dγ, dβ] with x̂ = (x − mean)/σ, σ = √(variance + eps), per channel over its count values:
   * dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ·(dy − dβ/count − x̂·dγ/count). One kernel rather than a
   * chain of ops, because BN's backward is a large share of a training step.
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
  /**
   * Normalises x ([N, C] or [N, C, H, W]) with given (running) statistics:
   * y = γ·(x − mean)/√(variance + eps) + β per channel, every parameter [C] (checked).
   */
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

  // ---- Classification (float32 unless stated, along the last axis) ------------------------------
  /**
   * Softmax along the last axis (rank ≥ 1: checked), computed stably: each row shifted by its
   * maximum, so large logits (the kit uses ±40) do not overflow.
   */
  Softmax: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /** log(softmax(x)) along the last axis, as x − max − log Σ exp(x − max) (stable). */
  LogSoftmax: { inputs: UnaryInputs; attrs: NoAttrs; outputs: TensorInfo };
  /**
   * Per-row loss −log softmax(logits)[label], stably, as [N] float32: logits [N, C] float32,
   * labels [N] int32 (checked). Labels in [0, C) are the caller's promise, not checked; an
   * out-of-range label's loss is backend-defined. The op reduces the rows (mean or sum).
   */
  SoftmaxCrossEntropy: {
    inputs: { logits: TensorInfo; labels: TensorInfo };
    attrs: NoAttrs;
    outputs: TensorInfo;
  };
  /**
   * float32 one-hot rows: indices of any shape (int32: checked) give [...indices.shape, depth]
   * with 1 at each index (depth ≥ 1: checked); indices outside [0, depth), negative ones
   * included, give rows of zeros.
   */
  OneHot: { inputs: { indices: TensorInfo }; attrs: { depth: number }; outputs: TensorInfo };
  /**
   * The k largest along the last axis (rank ≥ 1, 1 ≤ k ≤ its size: checked), descending:
   * outputs [values, indices], both shaped [..., k]; values in x's dtype (float32 or int32),
   * indices int32. Ties keep the lower index first (a stable sort, exactly).
   */
  TopK: {
    inputs: UnaryInputs;
    attrs: { k: number };
    outputs: readonly [TensorInfo, TensorInfo];
  };

  // ---- Random numbers --------------------------------------------------------------------------
  /**
   * Counter-based ("stateless") uniform samples in [0, 1), float32 with 24 random bits: element
   * i of the output is a pure function of the int32 key [2] (seed, counter) and i, the same on
   * every backend (random/stateless.ts defines it). The key lives on the device, so a training
   * step draws without a host round trip and a checkpoint that saves the key resumes exactly.
   */
  StatelessRandomUniform: {
    inputs: { key: TensorInfo };
    attrs: { shape: readonly number[] };
    outputs: TensorInfo;
  };

  // ---- Optimisation ----------------------------------------------------------------------------
  /**
   * In place (`mutates: ['param', 'velocity']`), as PyTorch's SGD, elementwise on float32 tensors
   * of one shape (checked): g = grad + wd·param; v = momentum·v + (1 − dampening)·g (v = g on the
   * first step is the caller's business: pass dampening 0); step = nesterov ? g + momentum·v :
   * v; param −= lr·step. With momentum 0, v is left untouched. No outputs. The op makes sure no
   * other tensor shares param's or velocity's storage before it runs the kernel, so writing
   * into them changes no one else's values; nesterov comes with momentum > 0 and dampening 0.
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
 * What the contract states of one kernel beyond its types, as data a backend can read at run
 * time: a delegating, queuing or recording backend needs to know which inputs a kernel writes.
 */
export interface KernelSpec {
  /**
   * Names of the inputs the kernel writes in place (their storage holds new values when it
   * returns), in `KernelDefs` order; empty for a kernel that only reads its inputs, which is
   * every kernel but SGDUpdate. A backend that copies inputs (to a device, to a delegate) must
   * copy these back; one that reorders work must treat them as written.
   */
  readonly mutates: readonly string[];
}

/** Names of the inputs kernel K writes in place (`never` for a kernel that writes none). */
export type MutatedInputs<K extends KernelName> = (typeof KERNELS)[K]['mutates'][number];

/**
 * Every kernel of the contract, once, with its spec. `satisfies` makes a name added to
 * KernelDefs but not here (or the reverse) a compile error, so no kernel can drop out of the
 * conformance coverage check, and makes every kernel state which inputs it writes (names checked
 * against its inputs).
 */
const KERNELS = {
  Add: { mutates: [] },
  Sub: { mutates: [] },
  Mul: { mutates: [] },
  Div: { mutates: [] },
  Maximum: { mutates: [] },
  GreaterEqual: { mutates: [] },
  Neg: { mutates: [] },
  Relu: { mutates: [] },
  Step: { mutates: [] },
  Clip: { mutates: [] },
  ClipGrad: { mutates: [] },
  Exp: { mutates: [] },
  Log: { mutates: [] },
  Sqrt: { mutates: [] },
  Square: { mutates: [] },
  PowScalar: { mutates: [] },
  Cast: { mutates: [] },
  Identity: { mutates: [] },
  Sum: { mutates: [] },
  Max: { mutates: [] },
  ArgMax: { mutates: [] },
  Transpose: { mutates: [] },
  Concat: { mutates: [] },
  Slice: { mutates: [] },
  Pad: { mutates: [] },
  ChannelShuffle: { mutates: [] },
  MatMul: { mutates: [] },
  Conv2D: { mutates: [] },
  FusedConv2D: { mutates: [] },
  Conv2DBackpropInput: { mutates: [] },
  Conv2DBackpropFilter: { mutates: [] },
  MaxPool: { mutates: [] },
  MaxPoolGrad: { mutates: [] },
  AvgPool: { mutates: [] },
  AvgPoolGrad: { mutates: [] },
  BatchNormTrain: { mutates: [] },
  BatchNormTrainGrad: { mutates: [] },
  BatchNormInfer: { mutates: [] },
  BatchNormReluTrain: { mutates: [] },
  BatchNormReluTrainGrad: { mutates: [] },
  Softmax: { mutates: [] },
  LogSoftmax: { mutates: [] },
  SoftmaxCrossEntropy: { mutates: [] },
  OneHot: { mutates: [] },
  TopK: { mutates: [] },
  StatelessRandomUniform: { mutates: [] },
  SGDUpdate: { mutates: ['param', 'velocity'] },
} as const satisfies {
  readonly [K in KernelName]: { readonly mutates: readonly (keyof KernelInputs<K> & string)[] };
};

for (const spec of Object.values(KERNELS)) Object.freeze(Object.freeze(spec).mutates);
Object.freeze(KERNELS);

/**
 * The spec of every kernel (frozen): `KERNEL_SPECS.SGDUpdate.mutates` is `['param', 'velocity']`.
 */
export const KERNEL_SPECS: { readonly [K in KernelName]: KernelSpec } = KERNELS;

/** Every kernel name, for suites that check a backend's coverage. */
export const KERNEL_NAMES: readonly KernelName[] = Object.keys(KERNELS) as KernelName[];
