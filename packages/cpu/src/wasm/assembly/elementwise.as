// AssemblyScript: elementwise kernels over float32 arrays in the shared memory, for the large
// same-shape operands of a training step (ReLU and its gradient, the residual additions). Memory
// bound: one SIMD pass, 16 floats per iteration, on the calling thread. The results are the bits
// of the plain TypeScript kernels (float32 +, −, ×, ÷ round once either way; ReLU and Step on
// the same bit rules).

/** Operation codes of ewBinary, as the host's Bin enum in kernels/elementwise.ts. */
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;

// @ts-ignore: decorator
@inline
function op4(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline
function op1(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

// @ts-ignore: decorator
@inline
function binaryLoop(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 64 <= end; i += 64) {
    const r0 = op4(op, v128.load(a + i), v128.load(b + i));
    const r1 = op4(op, v128.load(a + i, 16), v128.load(b + i, 16));
    const r2 = op4(op, v128.load(a + i, 32), v128.load(b + i, 32));
    const r3 = op4(op, v128.load(a + i, 48), v128.load(b + i, 48));
    v128.store(o + i, r0);
    v128.store(o + i, r1, 16);
    v128.store(o + i, r2, 32);
    v128.store(o + i, r3, 48);
  }
  for (; i < end; i += 4) store<f32>(o + i, op1(op, load<f32>(a + i), load<f32>(b + i)));
}

/** o[i] = a[i] op b[i] for i < n (op: 0 +, 1 −, 2 ×, 3 ÷); o may be a or b. */
export function ewBinary(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  // One loop per operation, so that each inner loop is a straight SIMD sequence.
  if (op == ADD) binaryLoop(ADD, a, b, o, n);
  else if (op == SUB) binaryLoop(SUB, a, b, o, n);
  else if (op == MUL) binaryLoop(MUL, a, b, o, n);
  else binaryLoop(DIV, a, b, o, n);
}

/**
 * max(x, 0) on the bits (as reluOfBits in kernels/elementwise.ts): negative values and −0 give
 * +0, every NaN is kept.
 */
// @ts-ignore: decorator
@inline
function relu4(v: v128): v128 {
  const nan = i32x4.gt_s(v128.and(v, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
  return v128.and(v, v128.or(v128.not(i32x4.shr_s(v, 31)), nan));
}

/** o[i] = max(x[i], 0) for i < n, NaN kept. */
export function ewRelu(x: usize, o: usize, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 64 <= end; i += 64) {
    v128.store(o + i, relu4(v128.load(x + i)));
    v128.store(o + i, relu4(v128.load(x + i, 16)), 16);
    v128.store(o + i, relu4(v128.load(x + i, 32)), 32);
    v128.store(o + i, relu4(v128.load(x + i, 48)), 48);
  }
  for (; i < end; i += 4) {
    const v = load<i32>(x + i);
    const nan = (0x7f800000 - (v & 0x7fffffff)) >> 31;
    store<i32>(o + i, v & (~(v >> 31) | nan));
  }
}

/** 1 where x > 0 (+∞ included), else 0 (−0, negative values and NaN). */
// @ts-ignore: decorator
@inline
function step4(v: v128): v128 {
  return v128.and(f32x4.gt(v, f32x4.splat(0)), f32x4.splat(1));
}

/** o[i] = x[i] > 0 ? 1 : 0 for i < n. */
export function ewStep(x: usize, o: usize, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 64 <= end; i += 64) {
    v128.store(o + i, step4(v128.load(x + i)));
    v128.store(o + i, step4(v128.load(x + i, 16)), 16);
    v128.store(o + i, step4(v128.load(x + i, 32)), 32);
    v128.store(o + i, step4(v128.load(x + i, 48)), 48);
  }
  for (; i < end; i += 4) store<f32>(o + i, load<f32>(x + i) > 0 ? 1 : 0);
}

