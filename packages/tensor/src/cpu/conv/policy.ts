import type { ConvShape } from './types.js';

/** A 1×1, stride-1, unpadded conv: the input already is the im2col matrix. */
export function isPointwise(s: ConvShape): boolean {
  return (
    s.kh === 1 &&
    s.kw === 1 &&
    s.strideH === 1 &&
    s.strideW === 1 &&
    s.padTop === 0 &&
    s.padLeft === 0 &&
    s.outH === s.h &&
    s.outW === s.w
  );
}

/**
 * Whether a pointwise conv should use the direct kernels instead of a GEMM. With few channels
 * per group (W2 has 4) the GEMM's K is tiny and packing costs more than the arithmetic; the
 * threshold comes from bench/ measurements (direct wins up to about 16×16 per group).
 */
export function useDirectPointwise(s: ConvShape): boolean {
  return isPointwise(s) && (s.cin / s.groups) * (s.cout / s.groups) <= 256;
}
