// Batch-norm kernels. Each channel is finished before the next: its sums over the batch, then
// its elementwise pass while its planes are still in cache. Sums run in float64 lanes promoted
// from f32x4 loads, as the TypeScript kernels sum in float64; the elementwise math is float64
// too, in the TypeScript kernels' order, so for equal sums the outputs are the same bits. One
// thread, fixed order: the results never depend on timing (worker threads were measured slower:
// the kernels are memory bound and a handoff costs about what the second core saves).

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
    for (let b = 0; b < n; b++) {
      const p = x + base + <usize>b * stride;
      for (let i = 0; i < vecEnd; i += 4) {
        const v = v128.load(p + (<usize>i << 2));
        const a = f64x2.sub(lo(v), kv);
        const d = f64x2.sub(hi(v), kv);
        s0 = f64x2.add(s0, a);
        s1 = f64x2.add(s1, d);
        q0 = f64x2.add(q0, f64x2.mul(a, a));
        q1 = f64x2.add(q1, f64x2.mul(d, d));
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
    const shift = <f64>load<f32>(beta + (<usize>ch << 2)) - m * scale;
    const sv = f64x2.splat(scale);
    const dv = f64x2.splat(shift);
    for (let b = 0; b < n; b++) {
      const o = base + <usize>b * stride;
      const p = x + o;
      const r = y + o;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = <usize>i << 2;
        const w = v128.load(p + at);
        const a = f64x2.add(f64x2.mul(lo(w), sv), dv);
        const d = f64x2.add(f64x2.mul(hi(w), sv), dv);
        const packed = pack(a, d);
        v128.store(r + at, relu ? relu4(packed) : packed);
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = <usize>i << 2;
        const z = <f32>(<f64>load<f32>(p + at) * scale + shift);
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
    const mv = f64x2.splat(m);
    let s0 = f64x2.splat(0), s1 = s0, t0 = s0, t1 = s0;
    let s = 0.0, t = 0.0;
    for (let b = 0; b < n; b++) {
      const o = base + <usize>b * stride;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = o + (<usize>i << 2);
        const g = dy4(dy, y, at, relu);
        const w = v128.load(x + at);
        const ga = lo(g);
        const gb = hi(g);
        s0 = f64x2.add(s0, ga);
        s1 = f64x2.add(s1, gb);
        t0 = f64x2.add(t0, f64x2.mul(ga, f64x2.sub(lo(w), mv)));
        t1 = f64x2.add(t1, f64x2.mul(gb, f64x2.sub(hi(w), mv)));
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
    const iv = f64x2.splat(invStd);
    const kv = f64x2.splat(k);
    const mdy = f64x2.splat(meanDy);
    const mdyx = f64x2.splat(meanDyx);
    for (let b = 0; b < n; b++) {
      const o = base + <usize>b * stride;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = o + (<usize>i << 2);
        const g = dy4(dy, y, at, relu);
        const w = v128.load(x + at);
        const xa = f64x2.mul(f64x2.sub(lo(w), mv), iv);
        const xb = f64x2.mul(f64x2.sub(hi(w), mv), iv);
        const a = f64x2.mul(kv, f64x2.sub(f64x2.sub(lo(g), mdy), f64x2.mul(xa, mdyx)));
        const d = f64x2.mul(kv, f64x2.sub(f64x2.sub(hi(g), mdy), f64x2.mul(xb, mdyx)));
        v128.store(dx + at, pack(a, d));
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = o + (<usize>i << 2);
        const xhat = (<f64>load<f32>(x + at) - m) * invStd;
        store<f32>(dx + at, <f32>(k * (dy1(dy, y, at, relu) - meanDy - xhat * meanDyx)));
      }
    }
  }
}
