// Batch-norm kernels. Each channel is finished before the next: its sums over the batch, then
// its elementwise pass while its planes are still (partly) in cache. Sums run in float32 over
// blocks of BLOCK floats, each block's sum added into float64 totals, about the channel's first
// value (forward) or its mean (gradient), so cancellation costs little; the elementwise pass is
// float32 with per-channel coefficients computed in float64 (twice the lanes of float64 math:
// these passes were compute bound). Results are within float32 rounding of the TypeScript
// kernels', not their bits. One thread per channel, fixed order: the results never depend on
// timing or on the thread count.

/** Floats summed in float32 before their sum is added into a float64 total (sum passes). */
const BLOCK = 64;

// @ts-ignore: decorator
@inline
function lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline
function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

// @ts-ignore: decorator
@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// @ts-ignore: decorator
@inline
function pack(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

/**
 * ReLU of four f32 lanes as the Relu kernel computes it: positives and every NaN (its bits) kept,
 * negatives and −0 become +0.
 */
// @ts-ignore: decorator
@inline
function relu4(v: v128): v128 {
  return v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
}

// @ts-ignore: decorator
@inline
function relu1(v: f32): f32 {
  return v > 0 || v != v ? v : 0;
}

/**
 * Training-mode batch norm of x [n, c, plane] into y, with the batch mean and biased variance
 * of each channel written to mean and variance (f32 [c]). Sums are taken about the channel's
 * first value (0 when that is not finite), so that Σ(x − k)² keeps the variance of data with a
 * large mean: Σx² − n·m² would lose it to cancellation.
 */
export function bnTrain(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize,
  n: i32, c: i32, plane: i32, eps: f64,
): void {
  bnTrainCore(x, gamma, beta, y, mean, variance, n, c, plane, eps, false, 0, c);
}

/**
 * bnTrain followed by ReLU in the same pass: y = relu(bn(x)), the same bits as the Relu kernel
 * applied to bnTrain's y (the f32 result is clamped, not the float64 one).
 */
export function bnReluTrain(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize,
  n: i32, c: i32, plane: i32, eps: f64,
): void {
  bnTrainCore(x, gamma, beta, y, mean, variance, n, c, plane, eps, true, 0, c);
}

/**
 * bnTrain (bnReluTrain when `relu`) of channels [c0, c1) only: each channel's statistics and
 * outputs depend on that channel alone, so threads may split the channels any way.
 */
export function bnTrainChannels(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize,
  n: i32, c: i32, plane: i32, eps: f64, relu: bool, c0: i32, c1: i32,
): void {
  if (relu) bnTrainCore(x, gamma, beta, y, mean, variance, n, c, plane, eps, true, c0, c1);
  else bnTrainCore(x, gamma, beta, y, mean, variance, n, c, plane, eps, false, c0, c1);
}

// @ts-ignore: decorator
@inline
function bnTrainCore(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize,
  n: i32, c: i32, plane: i32, eps: f64, relu: bool, c0: i32, c1: i32,
): void {
  const count = <f64>n * <f64>plane;
  const stride = (<usize>c * <usize>plane) << 2;
  const vecEnd = plane & ~3;
  for (let ch = c0; ch < c1; ch++) {
    const base = (<usize>ch * <usize>plane) << 2;
    let k = <f64>load<f32>(x + base);
    if (!isFinite(k)) k = 0;
    const kv = f64x2.splat(k);
    let s0 = f64x2.splat(0), s1 = s0, q0 = s0, q1 = s0;
    let s = 0.0, q = 0.0;
    const kf = f32x4.splat(<f32>k);
    for (let b = 0; b < n; b++) {
      const p = x + base + <usize>b * stride;
      // float32 partial sums over blocks of BLOCK floats, then added into the float64 totals:
      // the float32 error stays that of a sum of BLOCK / 8 terms.
      for (let i0 = 0; i0 < vecEnd; i0 += BLOCK) {
        const i1 = min<i32>(i0 + BLOCK, vecEnd);
        let fa = f32x4.splat(0), fb = fa, ga = fa, gb = fa;
        let i = i0;
        for (; i + 8 <= i1; i += 8) {
          const a = f32x4.sub(v128.load(p + (<usize>i << 2)), kf);
          const d = f32x4.sub(v128.load(p + (<usize>i << 2), 16), kf);
          fa = f32x4.add(fa, a);
          fb = f32x4.add(fb, d);
          ga = f32x4.add(ga, f32x4.mul(a, a));
          gb = f32x4.add(gb, f32x4.mul(d, d));
        }
        if (i < i1) {
          const a = f32x4.sub(v128.load(p + (<usize>i << 2)), kf);
          fa = f32x4.add(fa, a);
          ga = f32x4.add(ga, f32x4.mul(a, a));
        }
        const fs = f32x4.add(fa, fb);
        const gs = f32x4.add(ga, gb);
        s0 = f64x2.add(s0, lo(fs));
        s1 = f64x2.add(s1, hi(fs));
        q0 = f64x2.add(q0, lo(gs));
        q1 = f64x2.add(q1, hi(gs));
      }
      for (let i = vecEnd; i < plane; i++) {
        const a = <f64>load<f32>(p + (<usize>i << 2)) - k;
        s += a;
        q += a * a;
      }
    }
    const ms = (lanes(s0) + lanes(s1) + s) / count;
    const m = k + ms;
    const v = max<f64>((lanes(q0) + lanes(q1) + q) / count - ms * ms, 0);
    store<f32>(mean + (<usize>ch << 2), <f32>m);
    store<f32>(variance + (<usize>ch << 2), <f32>v);
    const scale = <f64>load<f32>(gamma + (<usize>ch << 2)) / Math.sqrt(v + eps);
    // y = (x − k)·scale + (β − (m − k)·scale) in float32: x − k is exact for values near the
    // channel's first one (a large mean costs no precision), and float32 arithmetic does twice
    // the lanes of float64.
    const sf = f32x4.splat(<f32>scale);
    const hf = <f32>(<f64>load<f32>(beta + (<usize>ch << 2)) - ms * scale);
    const df = f32x4.splat(hf);
    for (let b = 0; b < n; b++) {
      const o = base + <usize>b * stride;
      const p = x + o;
      const r = y + o;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = <usize>i << 2;
        const z = f32x4.add(f32x4.mul(f32x4.sub(v128.load(p + at), kf), sf), df);
        v128.store(r + at, relu ? relu4(z) : z);
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = <usize>i << 2;
        const z = (load<f32>(p + at) - <f32>k) * <f32>scale + hf;
        store<f32>(r + at, relu ? relu1(z) : z);
      }
    }
  }
}

/**
 * Gradient of bnTrain for x (dx), γ and β, given dy and the saved batch mean and variance:
 * dx = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)) with x̂ = (x − mean)·invStd.
 */
export function bnTrainGrad(
  dy: usize, x: usize, gamma: usize, mean: usize, variance: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  n: i32, c: i32, plane: i32, eps: f64,
): void {
  bnTrainGradCore(dy, 0, x, gamma, mean, variance, dx, dgamma, dbeta, n, c, plane, eps, false, 0, c);
}

/**
 * Gradient of bnReluTrain from its output y: bnTrainGrad of dy where y > 0 and 0 elsewhere,
 * masked as it is read (a non-finite dy where y ≤ 0 never enters the sums).
 */
export function bnReluTrainGrad(
  dy: usize, y: usize, x: usize, gamma: usize, mean: usize, variance: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  n: i32, c: i32, plane: i32, eps: f64,
): void {
  bnTrainGradCore(dy, y, x, gamma, mean, variance, dx, dgamma, dbeta, n, c, plane, eps, true, 0, c);
}

/** bnTrainGrad (bnReluTrainGrad when y ≠ 0) of channels [c0, c1) only (see bnTrainChannels). */
export function bnTrainGradChannels(
  dy: usize, y: usize, x: usize, gamma: usize, mean: usize, variance: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  n: i32, c: i32, plane: i32, eps: f64, c0: i32, c1: i32,
): void {
  if (y != 0) bnTrainGradCore(dy, y, x, gamma, mean, variance, dx, dgamma, dbeta, n, c, plane, eps, true, c0, c1);
  else bnTrainGradCore(dy, 0, x, gamma, mean, variance, dx, dgamma, dbeta, n, c, plane, eps, false, c0, c1);
}

/** dy at byte offset `at`, masked by y > 0 when `relu`. */
// @ts-ignore: decorator
@inline
function dy4(dy: usize, y: usize, at: usize, relu: bool): v128 {
  const g = v128.load(dy + at);
  return relu ? v128.and(g, f32x4.gt(v128.load(y + at), f32x4.splat(0))) : g;
}

// @ts-ignore: decorator
@inline
function dy1(dy: usize, y: usize, at: usize, relu: bool): f64 {
  return relu && !(load<f32>(y + at) > 0) ? 0.0 : <f64>load<f32>(dy + at);
}

// @ts-ignore: decorator
@inline
function bnTrainGradCore(
  dy: usize, y: usize, x: usize, gamma: usize, mean: usize, variance: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  n: i32, c: i32, plane: i32, eps: f64, relu: bool, c0: i32, c1: i32,
): void {
  const count = <f64>n * <f64>plane;
  const stride = (<usize>c * <usize>plane) << 2;
  const vecEnd = plane & ~3;
  for (let ch = c0; ch < c1; ch++) {
    const base = (<usize>ch * <usize>plane) << 2;
    const m = <f64>load<f32>(mean + (<usize>ch << 2));
    const invStd = 1.0 / Math.sqrt(<f64>load<f32>(variance + (<usize>ch << 2)) + eps);
    const mf = f32x4.splat(<f32>m);
    let s0 = f64x2.splat(0), s1 = s0, t0 = s0, t1 = s0;
    let s = 0.0, t = 0.0;
    for (let b = 0; b < n; b++) {
      const o = base + <usize>b * stride;
      // float32 partial sums per block, as in bnTrainCore.
      for (let i0 = 0; i0 < vecEnd; i0 += BLOCK) {
        const i1 = min<i32>(i0 + BLOCK, vecEnd);
        let fa = f32x4.splat(0), fb = fa, ga = fa, gb = fa;
        let i = i0;
        for (; i + 8 <= i1; i += 8) {
          const at = o + (<usize>i << 2);
          const g = dy4(dy, y, at, relu);
          const h = dy4(dy, y, at + 16, relu);
          fa = f32x4.add(fa, g);
          fb = f32x4.add(fb, h);
          ga = f32x4.add(ga, f32x4.mul(g, f32x4.sub(v128.load(x + at), mf)));
          gb = f32x4.add(gb, f32x4.mul(h, f32x4.sub(v128.load(x + at, 16), mf)));
        }
        if (i < i1) {
          const at = o + (<usize>i << 2);
          const g = dy4(dy, y, at, relu);
          fa = f32x4.add(fa, g);
          ga = f32x4.add(ga, f32x4.mul(g, f32x4.sub(v128.load(x + at), mf)));
        }
        const fs = f32x4.add(fa, fb);
        const gs = f32x4.add(ga, gb);
        s0 = f64x2.add(s0, lo(fs));
        s1 = f64x2.add(s1, hi(fs));
        t0 = f64x2.add(t0, lo(gs));
        t1 = f64x2.add(t1, hi(gs));
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = o + (<usize>i << 2);
        const g = dy1(dy, y, at, relu);
        s += g;
        t += g * (<f64>load<f32>(x + at) - m);
      }
    }
    const sdy = lanes(s0) + lanes(s1) + s;
    const sdyx = (lanes(t0) + lanes(t1) + t) * invStd;
    store<f32>(dgamma + (<usize>ch << 2), <f32>sdyx);
    store<f32>(dbeta + (<usize>ch << 2), <f32>sdy);
    const k = <f64>load<f32>(gamma + (<usize>ch << 2)) * invStd;
    const meanDy = sdy / count;
    const meanDyx = sdyx / count;
    // dx = k·dy − k·mean(dy) − k·invStd·mean(dy·x̂)·(x − m), in float32 (see bnTrainCore).
    const kf = <f32>k;
    const cf = <f32>(k * meanDy);
    const bf = <f32>(k * invStd * meanDyx);
    const kv = f32x4.splat(kf);
    const cv = f32x4.splat(cf);
    const bv = f32x4.splat(bf);
    for (let b = 0; b < n; b++) {
      const o = base + <usize>b * stride;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = o + (<usize>i << 2);
        const g = dy4(dy, y, at, relu);
        const xm = f32x4.sub(v128.load(x + at), mf);
        v128.store(dx + at, f32x4.sub(f32x4.sub(f32x4.mul(kv, g), cv), f32x4.mul(bv, xm)));
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = o + (<usize>i << 2);
        const g = <f32>dy1(dy, y, at, relu);
        store<f32>(dx + at, kf * g - cf - bf * (load<f32>(x + at) - <f32>m));
      }
    }
  }
}
