// Batch-norm kernels. A thread takes a block of consecutive channels at a time: their sums over
// the batch, image by image, then their elementwise pass. In NCHW the planes of consecutive
// channels of one image lie end to end, so a block is read in runs of (channels × plane) floats
// rather than one plane at a time: a 32×32 plane is one 4 KiB page, and the hardware prefetcher
// starts over at every page (1.5× the time on IGC-L4M8's 32-channel 32×32 maps, measured).
// Sums run in float32 over blocks of BLOCK floats, each block's sum added into float64 totals,
// about the channel's first value (forward) or its mean (gradient), so cancellation costs
// little; the elementwise pass is float32 with per-channel coefficients computed in float64
// (twice the lanes of float64 math: these passes were compute bound). Each channel's operations
// run in the same order whatever the block: results never depend on the block size, on timing or
// on the thread count. They are within float32 rounding of the TypeScript kernels', not their
// bits.

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
 * Bytes of a channel's record in a block's scratch (`acc`): its running float64 sums, then the
 * float32 coefficients of its elementwise pass.
 */
export const NORM_ACC_BYTES: i32 = 96;

/**
 * Training-mode batch norm (with `relu`, y clamped in the same pass: the same bits as the Relu
 * kernel applied to the f32 result) of channels [c0, c1) of x [n, c, plane] into y, with
 * each channel's batch mean and biased variance written to mean and variance (f32 [c]). Sums are
 * taken about the channel's first value (0 when that is not finite), so that Σ(x − k)² keeps the
 * variance of data with a large mean: Σx² − n·m² would lose it to cancellation. `acc` holds
 * (c1 − c0) · NORM_ACC_BYTES of scratch.
 */
export function bnTrainChannels(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize,
  n: i32, c: i32, plane: i32, eps: f64, relu: bool, c0: i32, c1: i32, acc: usize,
): void {
  if (relu) bnTrainCore(x, gamma, beta, y, mean, variance, n, c, plane, eps, true, c0, c1, acc);
  else bnTrainCore(x, gamma, beta, y, mean, variance, n, c, plane, eps, false, c0, c1, acc);
}

// @ts-ignore: decorator
@inline
function bnTrainCore(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize,
  n: i32, c: i32, plane: i32, eps: f64, relu: bool, c0: i32, c1: i32, acc: usize,
): void {
  const count = <f64>n * <f64>plane;
  const stride = (<usize>c * <usize>plane) << 2;
  const vecEnd = plane & ~3;
  const zero = f64x2.splat(0);
  for (let ch = c0; ch < c1; ch++) {
    const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
    let k = <f64>load<f32>(x + ((<usize>ch * <usize>plane) << 2));
    if (!isFinite(k)) k = 0;
    v128.store(r, zero);
    v128.store(r, zero, 16);
    v128.store(r, zero, 32);
    v128.store(r, zero, 48);
    store<f64>(r, 0, 64);
    store<f64>(r, 0, 72);
    store<f64>(r, k, 80);
  }
  for (let b = 0; b < n; b++) {
    for (let ch = c0; ch < c1; ch++) {
      const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
      let s0 = v128.load(r), s1 = v128.load(r, 16), q0 = v128.load(r, 32), q1 = v128.load(r, 48);
      let s = load<f64>(r, 64), q = load<f64>(r, 72);
      const k = load<f64>(r, 80);
      const kf = f32x4.splat(<f32>k);
      const p = x + ((<usize>ch * <usize>plane) << 2) + <usize>b * stride;
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
      v128.store(r, s0);
      v128.store(r, s1, 16);
      v128.store(r, q0, 32);
      v128.store(r, q1, 48);
      store<f64>(r, s, 64);
      store<f64>(r, q, 72);
    }
  }
  for (let ch = c0; ch < c1; ch++) {
    const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
    const k = load<f64>(r, 80);
    const ms = (lanes(v128.load(r)) + lanes(v128.load(r, 16)) + load<f64>(r, 64)) / count;
    const m = k + ms;
    const v = max<f64>(
      (lanes(v128.load(r, 32)) + lanes(v128.load(r, 48)) + load<f64>(r, 72)) / count - ms * ms,
      0,
    );
    store<f32>(mean + (<usize>ch << 2), <f32>m);
    store<f32>(variance + (<usize>ch << 2), <f32>v);
    const scale = <f64>load<f32>(gamma + (<usize>ch << 2)) / Math.sqrt(v + eps);
    // y = (x − k)·scale + (β − (m − k)·scale) in float32: x − k is exact for values near the
    // channel's first one (a large mean costs no precision), and float32 arithmetic does twice
    // the lanes of float64.
    store<f32>(r, <f32>scale);
    store<f32>(r, <f32>(<f64>load<f32>(beta + (<usize>ch << 2)) - ms * scale), 4);
    store<f32>(r, <f32>k, 8);
  }
  for (let b = 0; b < n; b++) {
    for (let ch = c0; ch < c1; ch++) {
      const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
      const sc = load<f32>(r), hf = load<f32>(r, 4), k = load<f32>(r, 8);
      const sf = f32x4.splat(sc), df = f32x4.splat(hf), kf = f32x4.splat(k);
      const o = ((<usize>ch * <usize>plane) << 2) + <usize>b * stride;
      const p = x + o;
      const d = y + o;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = <usize>i << 2;
        const z = f32x4.add(f32x4.mul(f32x4.sub(v128.load(p + at), kf), sf), df);
        v128.store(d + at, relu ? relu4(z) : z);
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = <usize>i << 2;
        const z = (load<f32>(p + at) - k) * sc + hf;
        store<f32>(d + at, relu ? relu1(z) : z);
      }
    }
  }
}

/**
 * Gradient of bnTrainChannels for x (dx), γ and β over channels [c0, c1), given dy and the saved
 * batch mean and variance: dx = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)) with
 * x̂ = (x − mean)·invStd. Given the ReLU variant's output y (y ≠ 0), dy is read as 0 where y ≤ 0:
 * masked as it is read, so a non-finite dy there never enters the sums. `acc` as in
 * bnTrainChannels.
 */
export function bnTrainGradChannels(
  dy: usize, y: usize, x: usize, gamma: usize, mean: usize, variance: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  n: i32, c: i32, plane: i32, eps: f64, c0: i32, c1: i32, acc: usize,
): void {
  if (y != 0) bnTrainGradCore(dy, y, x, gamma, mean, variance, dx, dgamma, dbeta, n, c, plane, eps, true, c0, c1, acc);
  else bnTrainGradCore(dy, 0, x, gamma, mean, variance, dx, dgamma, dbeta, n, c, plane, eps, false, c0, c1, acc);
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
  n: i32, c: i32, plane: i32, eps: f64, relu: bool, c0: i32, c1: i32, acc: usize,
): void {
  const count = <f64>n * <f64>plane;
  const stride = (<usize>c * <usize>plane) << 2;
  const vecEnd = plane & ~3;
  const zero = f64x2.splat(0);
  for (let ch = c0; ch < c1; ch++) {
    const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
    v128.store(r, zero);
    v128.store(r, zero, 16);
    v128.store(r, zero, 32);
    v128.store(r, zero, 48);
    store<f64>(r, 0, 64);
    store<f64>(r, 0, 72);
  }
  for (let b = 0; b < n; b++) {
    for (let ch = c0; ch < c1; ch++) {
      const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
      let s0 = v128.load(r), s1 = v128.load(r, 16), t0 = v128.load(r, 32), t1 = v128.load(r, 48);
      let s = load<f64>(r, 64), t = load<f64>(r, 72);
      const m = <f64>load<f32>(mean + (<usize>ch << 2));
      const mf = f32x4.splat(<f32>m);
      const o = ((<usize>ch * <usize>plane) << 2) + <usize>b * stride;
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
      v128.store(r, s0);
      v128.store(r, s1, 16);
      v128.store(r, t0, 32);
      v128.store(r, t1, 48);
      store<f64>(r, s, 64);
      store<f64>(r, t, 72);
    }
  }
  for (let ch = c0; ch < c1; ch++) {
    const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
    const m = <f64>load<f32>(mean + (<usize>ch << 2));
    const invStd = 1.0 / Math.sqrt(<f64>load<f32>(variance + (<usize>ch << 2)) + eps);
    const sdy = lanes(v128.load(r)) + lanes(v128.load(r, 16)) + load<f64>(r, 64);
    const sdyx = (lanes(v128.load(r, 32)) + lanes(v128.load(r, 48)) + load<f64>(r, 72)) * invStd;
    store<f32>(dgamma + (<usize>ch << 2), <f32>sdyx);
    store<f32>(dbeta + (<usize>ch << 2), <f32>sdy);
    const k = <f64>load<f32>(gamma + (<usize>ch << 2)) * invStd;
    // dx = k·dy − k·mean(dy) − k·invStd·mean(dy·x̂)·(x − m), in float32 (see bnTrainCore).
    store<f32>(r, <f32>k);
    store<f32>(r, <f32>(k * (sdy / count)), 4);
    store<f32>(r, <f32>(k * invStd * (sdyx / count)), 8);
    store<f32>(r, <f32>m, 12);
  }
  for (let b = 0; b < n; b++) {
    for (let ch = c0; ch < c1; ch++) {
      const r = acc + <usize>(ch - c0) * NORM_ACC_BYTES;
      const kf = load<f32>(r), cf = load<f32>(r, 4), bf = load<f32>(r, 8), m = load<f32>(r, 12);
      const kv = f32x4.splat(kf), cv = f32x4.splat(cf), bv = f32x4.splat(bf), mf = f32x4.splat(m);
      const o = ((<usize>ch * <usize>plane) << 2) + <usize>b * stride;
      for (let i = 0; i < vecEnd; i += 4) {
        const at = o + (<usize>i << 2);
        const g = dy4(dy, y, at, relu);
        const xm = f32x4.sub(v128.load(x + at), mf);
        v128.store(dx + at, f32x4.sub(f32x4.sub(f32x4.mul(kv, g), cv), f32x4.mul(bv, xm)));
      }
      for (let i = vecEnd; i < plane; i++) {
        const at = o + (<usize>i << 2);
        const g = <f32>dy1(dy, y, at, relu);
        store<f32>(dx + at, kf * g - cf - bf * (load<f32>(x + at) - m));
      }
    }
  }
}
