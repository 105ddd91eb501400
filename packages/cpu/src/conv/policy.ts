import { type Conv2DGeometry, isPointwise } from '@igcnet/tensor/backend';
import { cpuKernelOptions } from '../options.js';

/**
 * Whether a pointwise conv on the plain TypeScript path should use the direct kernels instead of
 * a GEMM. With few channels per group (W2 has 4) the GEMM's K is tiny and packing costs more than
 * the arithmetic; the threshold comes from bench/ measurements (direct wins up to about 16×16
 * per group). The wasm path runs pointwise convs on its own kernels (usePointwiseKernels).
 */
export function useDirectPointwise(s: Conv2DGeometry): boolean {
  return isPointwise(s) && (s.cin / s.groups) * (s.cout / s.groups) <= 256;
}

/**
 * Largest cinG·coutG (channels per group, in × out) that runs on the direct small-group wasm
 * kernels. Measured (bench/ shapes, batch 64): up to 4 × 4 they take 1.3–3.7× less kernel time
 * than the implicit/im2col GEMM (IGC-L24M2's 2 × 2 and its stride-2 2 × 4, depthwise: K = 18 or
 * 9, M ≤ 4); at 8 × 8 and 2 × 32 they still win the forward and input gradient with the filter
 * gradient even; from 16 × 16 on (W1's groups) the GEMM's full register tile wins the filter
 * gradient.
 */
export const SMALL_GROUP_MAX_PRODUCT = 64;

/**
 * The bound for forward convs with a stride above 1 on wasm, which otherwise take im2col + GEMM:
 * measured (batch 64) the small-group kernels ran IGC-L4M4's 8 × 16 stride-2 groups 1.25× and
 * 16 × 8 ones 1.6× faster. At stride 1 the implicit GEMM and Winograd keep those sizes (the
 * small-group kernels were 8–15 % slower there), and so does every filter gradient.
 */
export const SMALL_GROUP_MAX_PRODUCT_STRIDED_FORWARD = 128;

/**
 * The same bound for the plain TypeScript kernels, whose scalar row updates beat im2col + GEMM
 * 2–3× at 2 × 2 and 1 × 1 but lose from about 2 × 4 on.
 */
export const SMALL_GROUP_MAX_PRODUCT_TS = 4;

/**
 * Whether a conv runs on the direct small-group kernels (wasm/assembly/small.as, or ts/small.ts
 * when `wasm` is false) instead of a GEMM: with few channels per group the GEMM's K
 * (cinG·kh·kw) and M (coutG) are so small that packing costs more than the arithmetic.
 * Pointwise convs keep their own direct kernels. `forward`: the bound of the forward conv
 * (SMALL_GROUP_MAX_PRODUCT_STRIDED_FORWARD at strides above 1).
 */
export function useSmallGroups(s: Conv2DGeometry, wasm: boolean, forward = false): boolean {
  const product = (s.cin / s.groups) * (s.cout / s.groups);
  const strided = s.strideH > 1 || s.strideW > 1;
  const bound = !wasm
    ? SMALL_GROUP_MAX_PRODUCT_TS
    : forward && strided
      ? SMALL_GROUP_MAX_PRODUCT_STRIDED_FORWARD
      : SMALL_GROUP_MAX_PRODUCT;
  return cpuKernelOptions().smallGroupKernels && !useDirectPointwise(s) && product <= bound;
}

/**
 * Largest cinG·coutG whose strided input gradient runs on the direct wasm kernel (a transposed
 * conv split by stride phase, small.as) instead of GEMM + col2im. Measured at stride 2 (bench/
 * shapes, batch 64): 1.3–1.8× less time at 8 × 16, 16 × 16, 16 × 32 and 32 × 64; at stride 1
 * the flipped filter's forward conv (Winograd, implicit GEMM) wins from 16 × 16 on.
 */
export const STRIDED_INPUT_MAX_PRODUCT = 2048;

/**
 * Whether an input gradient runs on the direct small-group kernels: useSmallGroups, and on the
 * wasm path also strided convs up to STRIDED_INPUT_MAX_PRODUCT.
 */
export function useDirectInput(s: Conv2DGeometry, wasm: boolean): boolean {
  if (useSmallGroups(s, wasm)) return true;
  return (
    wasm &&
    cpuKernelOptions().smallGroupKernels &&
    !useDirectPointwise(s) &&
    (s.strideH > 1 || s.strideW > 1) &&
    (s.cin / s.groups) * (s.cout / s.groups) <= STRIDED_INPUT_MAX_PRODUCT
  );
}

/** Largest group weight matrix (coutG × cinG floats) that the pointwise kernels pack whole. */
export const POINTWISE_MAX_GROUP_FLOATS = 64 * 1024;

/**
 * Whether a 1×1, stride-1, unpadded conv runs on the wasm pointwise kernels
 * (wasm/assembly/pointwise.as), which read and write channel planes through tables: folded IGC
 * interleaves then move no data. Larger groups keep the blocked GEMM, whose packing pays there.
 */
export function usePointwiseKernels(s: Conv2DGeometry): boolean {
  return isPointwise(s) && (s.cin / s.groups) * (s.cout / s.groups) <= POINTWISE_MAX_GROUP_FLOATS;
}

/** Fewest channels per group (in and out) for which Winograd's GEMMs pay (bench/ shapes). */
export const WINOGRAD_MIN_CHANNELS = 8;

/**
 * Whether a forward conv runs on the wasm Winograd F(2×2, 3×3) kernels
 * (wasm/assembly/winograd.as): 3×3, stride 1, no dilation, an output of whole 2×8 blocks
 * (outH even, outW a multiple of 8), and at least WINOGRAD_MIN_CHANNELS channels per group in
 * and out (fewer leave its GEMMs too small; the small-group kernels take those).
 */
export function useWinograd(s: Conv2DGeometry): boolean {
  return winogradShape(s, WINOGRAD_MIN_CHANNELS) && !useSmallGroups(s, true);
}

/**
 * Fewest channels per group (in and out) for which the Winograd filter gradient pays: at 4 × 4
 * (IGC-L24M2's second stage) it took about 1.1× less time than the direct small-group kernel, at
 * 2 × 2 1.3× more (bench/ shapes, batch 64).
 */
export const WINOGRAD_FILTER_MIN_CHANNELS = 4;

/**
 * The shapes the Winograd kernels take (see useWinograd), small groups or not, with at least
 * `min` channels per group in and out.
 */
function winogradShape(s: Conv2DGeometry, min: number): boolean {
  return (
    cpuKernelOptions().winograd &&
    s.kh === 3 &&
    s.kw === 3 &&
    s.strideH === 1 &&
    s.strideW === 1 &&
    s.dilationH === 1 &&
    s.dilationW === 1 &&
    s.outH % 2 === 0 &&
    s.outW % 8 === 0 &&
    s.cin / s.groups >= min &&
    s.cout / s.groups >= min
  );
}

/**
 * Whether a filter gradient runs on the wasm Winograd F(2×2, 3×3) kernels
 * (wasm/assembly/winograd_grad.as): the forward's geometry (3×3, stride 1, no dilation, an
 * output of whole 2×8 blocks) with at least WINOGRAD_FILTER_MIN_CHANNELS channels per group in
 * and out, small groups included: its 16 products along the tiles took 1.2–1.5× less time than
 * the GEMM (16–64 channels) and than the direct small-group kernel at 8 × 8 channels per group,
 * about 1.06× less at 4 × 4 (bench/ shapes, batch 64).
 */
export function useWinogradFilter(s: Conv2DGeometry): boolean {
  return winogradShape(s, WINOGRAD_FILTER_MIN_CHANNELS);
}
