// AssemblyScript: direct convolution for groups of few channels (IGC primary convs with M = 2,
// depthwise convs), where an implicit or im2col GEMM has K = 9·cinG and M = coutG too small to
// pay for its packing. Vectorised along the output width with the tiles of tiles.as.
//
// Forward and filter gradient read a zero-padded copy of one image group whose columns are split
// by stride phase: padded column c = j·sw + p sits at [p][j] of its row, so outputs ox … ox+3 of
// tap kx read 4 contiguous floats at phase (kx·dw) mod sw, column ox + ⌊kx·dw / sw⌋, whatever
// the stride. The input gradient is the transposed conv: dx pixels are split by stride phase
// (iy mod sh, ix mod sw), each phase is a plain correlation of zero-padded dy with the taps that
// reach it, and stride-2 columns are interleaved back with shuffles.
//
// Per thread: smallSetup (geometry), smallBegin (scratch layout, tap tables, zero borders), then
// one call per (image, group) item. Borders are zeroed once per job: items only rewrite interiors.
import { chunk, dotRows, gatherRow } from './tiles';

let cinG: i32, h: i32, w: i32, coutG: i32, kh: i32, kw: i32, outH: i32, outW: i32;
let sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32;
/** Taps per output channel (forward) and kernel area. */
let kc: i32, kk: i32;
/** Padded, phase-split planes of forward/filter: rows, floats per phase row, outW rounded to 4. */
let hp: i32, wq: i32, ov: i32;
/** Input gradient: dy plane rows/cols and the (oy, ox) of its first float; dx phase rows. */
let rr: i32, cc: i32, oy0: i32, ox0: i32, jv: i32;
/**
 * Filter gradient: dy copied with rows of gRow floats, read as gRows rows of gVec vectors (one
 * long row at stride 1, where dy rows padded to the plane width line up with the planes).
 */
let gRow: i32, gRows: i32, gVec: i32;

/** Scratch regions of this thread (byte offsets), set by smallBegin. */
let offs: usize, taps: usize, starts: usize, wts: usize, init: usize, planes: usize, grad: usize, prow: usize;
/** The weights currently packed in `wts` (0: none). */
let packed: usize = 0;

function cdiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/**
 * Copies n floats. Rows here are short (8 to 32 floats): an inline vector loop beats
 * memory.copy, which V8 runs as a call out of wasm.
 */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  const end = <usize>n << 2;
  let b: usize = 0;
  for (; b + 16 <= end; b += 16) v128.store(dst + b, v128.load(src + b));
  for (; b < end; b += 4) store<f32>(dst + b, load<f32>(src + b));
}

function align64(b: i32): i32 {
  return (b + 63) & ~63;
}

/** Records the geometry of one group (channel counts per group) for the calls that follow. */
export function smallSetup(
  cinG_: i32, h_: i32, w_: i32, coutG_: i32, kh_: i32, kw_: i32, outH_: i32, outW_: i32,
  sh_: i32, sw_: i32, pt_: i32, pl_: i32, dh_: i32, dw_: i32,
): void {
  cinG = cinG_; h = h_; w = w_; coutG = coutG_; kh = kh_; kw = kw_; outH = outH_; outW = outW_;
  sh = sh_; sw = sw_; pt = pt_; pl = pl_; dh = dh_; dw = dw_;
  kk = kh * kw;
  kc = cinG * kk;
  ov = (outW + 3) & ~3;
  hp = (outH - 1) * sh + (kh - 1) * dh + 1;
  wq = ov + ((kw - 1) * dw) / sw;
  // Input gradient: dx pixel (qy·sh + ry, j·sw + rx) takes tap (ky, kx) from dy at
  // (qy + ay, j + ax), ay = ⌈(pt − ky·dh) / sh⌉, ax = ⌈(pl − kx·dw) / sw⌉ (with ry, rx fixed by
  // the tap), so dy is padded to cover every such row and column.
  const ayLo = cdiv(pt - (kh - 1) * dh, sh), ayHi = cdiv(pt, sh);
  const axLo = cdiv(pl - (kw - 1) * dw, sw), axHi = cdiv(pl, sw);
  const flat = sh == 1 && sw == 1;
  gRow = flat ? wq : ov;
  gRows = flat ? 1 : outH;
  gVec = flat ? (outH * wq + 3) >> 2 : ov >> 2;
  jv = (cdiv(w, sw) + 3) & ~3;
  oy0 = min<i32>(0, ayLo);
  ox0 = min<i32>(0, axLo);
  rr = max<i32>(outH, cdiv(h, sh) + ayHi) - oy0;
  cc = max<i32>(outW, jv + axHi) - ox0;
}

/**
 * Floats of the padded planes, with slack after them: the filter gradient's long rows read up to
 * a row and a vector past a plane (into the next one, or the zeroed slack, times zero dy).
 */
function planesFloats(): i32 {
  return cinG * hp * sw * wq + wq + 4;
}

/** Floats of dy as the filter gradient reads it. */
function gradFloats(): i32 {
  return coutG * gRows * gVec * 4;
}

/** Scratch bytes per thread of `op` (0 forward, 1 filter, 2 input) for the recorded geometry. */
export function smallScratchBytes(op: i32): i32 {
  if (op == 0) {
    return align64(kc * 4) + align64(coutG * kc * 16) + align64(coutG * 16) + align64(planesFloats() * 4);
  }
  if (op == 1) return align64(kc * 4) + align64(planesFloats() * 4) + align64(gradFloats() * 4);
  const t = coutG * kk;
  return 2 * align64(t * 4) + align64((sh * sw + 1) * 4) + align64(t * cinG * 16) + 64 +
    align64(coutG * rr * cc * 4) + align64(cinG * sw * jv * 4);
}

/** Lays out the scratch at `ws` for `op`, builds its tap tables and zeroes what items leave alone. */
export function smallBegin(op: i32, ws: usize): void {
  packed = 0;
  let p = ws;
  if (op == 2) {
    const t = coutG * kk;
    offs = p; p += <usize>align64(t * 4);
    taps = p; p += <usize>align64(t * 4);
    starts = p; p += <usize>align64((sh * sw + 1) * 4);
    wts = p; p += <usize>align64(t * cinG * 16);
    init = p; p += 64;
    grad = p; p += <usize>align64(coutG * rr * cc * 4);
    prow = p;
    memory.fill(init, 0, 64);
    memory.fill(grad, 0, <usize>(coutG * rr * cc) << 2);
    inputTaps();
    return;
  }
  offs = p; p += <usize>align64(kc * 4);
  if (op == 0) {
    wts = p; p += <usize>align64(coutG * kc * 16);
    init = p; p += <usize>align64(coutG * 16);
  }
  planes = p; p += <usize>align64(planesFloats() * 4);
  grad = p;
  memory.fill(planes, 0, <usize>planesFloats() << 2);
  if (op == 1) memory.fill(grad, 0, <usize>gradFloats() << 2);
  forwardTaps();
}

/** offs[(ci·kh + ky)·kw + kx] = byte offset of that tap from output (0, 0) in the planes. */
function forwardTaps(): void {
  const rowB = sw * wq * 4;
  let o = offs;
  for (let ci = 0; ci < cinG; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const c = kx * dw;
        store<i32>(o, (ci * hp + ky * dh) * rowB + ((c % sw) * wq + c / sw) * 4);
        o += 4;
      }
    }
  }
}

/** Copies the group's input into the interior of the padded, phase-split planes. */
function fillPlanes(xg: usize): void {
  const rowF = sw * wq;
  const r0 = max<i32>(0, pt), r1 = min<i32>(hp, h + pt);
  for (let ph = 0; ph < sw; ph++) {
    // Columns j of this phase whose image column j·sw + ph − pl lies in [0, w): computed once per
    // phase (integer divisions per row cost a third of a small group's arithmetic).
    const ja = max<i32>(0, cdiv(pl - ph, sw));
    const jb = min<i32>(wq, cdiv(w + pl - ph, sw));
    if (jb <= ja) continue;
    for (let ci = 0; ci < cinG; ci++) {
      const xc = xg + ((<usize>ci * h * w) << 2);
      const pc = planes + ((<usize>(ci * hp * rowF + ph * wq)) << 2);
      for (let r = r0; r < r1; r++) {
        const src = xc + ((<usize>(r - pt) * w) << 2);
        const d = pc + ((<usize>r * rowF) << 2);
        if (sw == 1) {
          copyFloats(d + (<usize>ja << 2), src + (<usize>(ja - pl) << 2), jb - ja);
          continue;
        }
        let j = ja;
        if (sw == 2) {
          // Every other float of two vectors: 4 columns of this phase per shuffle, while the 8
          // floats loaded lie in the row (past it they would read the next row or beyond the heap).
          for (; j + 4 <= jb && 2 * j + ph - pl + 8 <= w; j += 4) {
            const a = src + (<usize>(2 * j + ph - pl) << 2);
            v128.store(d + (<usize>j << 2), v128.shuffle<f32>(v128.load(a), v128.load(a, 16), 0, 2, 4, 6));
          }
        }
        for (; j < jb; j++) {
          store<f32>(d + (<usize>j << 2), load<f32>(src + (<usize>(j * sw + ph - pl) << 2)));
        }
      }
    }
  }
}

/** wts[co-chunk][t][c] = splat(w[co0 + c, t]), as tile() reads them; `init` gets the bias. */
function packForward(wg: usize): void {
  let co = 0;
  while (co < coutG) {
    const n = chunk(coutG - co);
    let d = wts + ((<usize>co * kc) << 4);
    for (let t = 0; t < kc; t++) {
      for (let c = 0; c < n; c++) {
        v128.store(d, v128.load32_splat(wg + ((<usize>(co + c) * kc + t) << 2)));
        d += 16;
      }
    }
    co += n;
  }
}

/** y (+ bias) of one item. bias points at the group's first bias value, or is 0. */
export function smallForwardItem(xg: usize, wg: usize, bias: usize, yg: usize): void {
  if (packed != wg) {
    packForward(wg);
    packed = wg;
  }
  for (let c = 0; c < coutG; c++) {
    const b = bias != 0 ? v128.load32_splat(bias + (<usize>c << 2)) : f32x4.splat(0);
    v128.store(init + (<usize>c << 4), b);
  }
  fillPlanes(xg);
  const ohw = outH * outW;
  const rowB = <usize>(sh * sw * wq) << 2;
  for (let oy = 0; oy < outH; oy++) {
    const src = planes + <usize>oy * rowB;
    const dst = yg + ((<usize>oy * outW) << 2);
    let co = 0;
    while (co < coutG) {
      const n = chunk(coutG - co);
      gatherRow(
        n, kc, src, offs, wts + ((<usize>co * kc) << 4), init + (<usize>co << 4),
        dst + ((<usize>co * ohw) << 2), <usize>ohw << 2, outW,
      );
      co += n;
    }
  }
}

/**
 * One item's filter gradient (its group's coutG × kc weights) into its own slot, overwritten;
 * filterReduce adds the slots up afterwards.
 */
export function smallFilterItem(xg: usize, dyg: usize, slot: usize): void {
  fillPlanes(xg);
  // dy rows padded to gRow floats; the padding columns stay zero from smallBegin.
  const ohw = outH * outW;
  const ldc = <usize>(gRows * gVec) << 4;
  for (let c = 0; c < coutG; c++) {
    for (let oy = 0; oy < outH; oy++) {
      copyFloats(grad + <usize>c * ldc + ((<usize>oy * gRow) << 2), dyg + ((<usize>(c * ohw + oy * outW)) << 2), outW);
    }
  }
  const ldx = <usize>(sh * sw * wq) << 2;
  let co = 0;
  while (co < coutG) {
    const n = chunk(coutG - co);
    dotRows(
      n, kc, gRows, gVec, planes, ldx, offs, grad + <usize>co * ldc, <usize>gRow << 2, ldc,
      slot + ((<usize>co * kc) << 2), <usize>kc << 2,
    );
    co += n;
  }
}

/**
 * out[g, j] = Σ_n slots[g·batch + n, j] for j < slotFloats, summed in order of n: the filter
 * gradient from per-item slots. The sum does not depend on which thread computed which item,
 * nor on how many threads there were, so training runs reproduce bit for bit anywhere.
 */
export function filterReduce(slots: usize, groups: i32, batch: i32, slotFloats: i32, out: usize): void {
  const sb = <usize>slotFloats << 2;
  for (let g = 0; g < groups; g++) {
    const src = slots + <usize>g * batch * sb;
    const dst = out + <usize>g * sb;
    let j: usize = 0;
    for (; j + 16 <= sb; j += 16) {
      let a = f32x4.splat(0);
      for (let n = 0; n < batch; n++) a = f32x4.add(a, v128.load(src + <usize>n * sb + j));
      v128.store(dst + j, a);
    }
    for (; j < sb; j += 4) {
      let a: f32 = 0;
      for (let n = 0; n < batch; n++) a += load<f32>(src + <usize>n * sb + j);
      store<f32>(dst + j, a);
    }
  }
}

function pmod(a: i32, b: i32): i32 {
  const r = a % b;
  return r < 0 ? r + b : r;
}

/**
 * Tap tables of the input gradient, grouped by dx phase (ry, rx): starts[ry·sw + rx] is the
 * first tap of that phase, offs[t] its byte offset in the dy planes from (qy, j) = (0, 0), and
 * taps[t] its index co·cinG·kk + ky·kw + kx into the group's weights (add ci·kk).
 */
function inputTaps(): void {
  let t = 0;
  for (let ry = 0; ry < sh; ry++) {
    for (let rx = 0; rx < sw; rx++) {
      store<i32>(starts + (<usize>(ry * sw + rx) << 2), t);
      for (let co = 0; co < coutG; co++) {
        for (let ky = 0; ky < kh; ky++) {
          if (pmod(ry + pt - ky * dh, sh) != 0) continue;
          const ay = (ry + pt - ky * dh) / sh;
          for (let kx = 0; kx < kw; kx++) {
            if (pmod(rx + pl - kx * dw, sw) != 0) continue;
            const ax = (rx + pl - kx * dw) / sw;
            store<i32>(offs + (<usize>t << 2), ((co * rr + ay - oy0) * cc + ax - ox0) * 4);
            store<i32>(taps + (<usize>t << 2), co * cinG * kk + ky * kw + kx);
            t++;
          }
        }
      }
    }
  }
  store<i32>(starts + (<usize>(sh * sw) << 2), t);
}

/** Packs the input-gradient weights per phase: [phase][ci-chunk][t][c] splats. */
function packInput(wg: usize): void {
  for (let ph = 0; ph < sh * sw; ph++) {
    const t0 = load<i32>(starts + (<usize>ph << 2));
    const nt = load<i32>(starts + (<usize>(ph + 1) << 2)) - t0;
    let d = wts + ((<usize>t0 * cinG) << 4);
    let ci = 0;
    while (ci < cinG) {
      const n = chunk(cinG - ci);
      for (let t = 0; t < nt; t++) {
        const wi = load<i32>(taps + (<usize>(t0 + t) << 2));
        for (let c = 0; c < n; c++) {
          v128.store(d, v128.load32_splat(wg + (<usize>(wi + (ci + c) * kk) << 2)));
          d += 16;
        }
      }
      ci += n;
    }
  }
}

/** dx (overwritten) of one item. */
export function smallInputItem(dyg: usize, wg: usize, dxg: usize): void {
  if (packed != wg) {
    packInput(wg);
    packed = wg;
  }
  const ohw = outH * outW;
  for (let c = 0; c < coutG; c++) {
    for (let oy = 0; oy < outH; oy++) {
      copyFloats(grad + ((<usize>((c * rr + oy - oy0) * cc - ox0)) << 2), dyg + ((<usize>(c * ohw + oy * outW)) << 2), outW);
    }
  }
  const hw = h * w;
  for (let iy = 0; iy < h; iy++) {
    const ry = iy % sh;
    const src = grad + ((<usize>(iy / sh) * cc) << 2);
    for (let rx = 0; rx < sw; rx++) {
      const ph = ry * sw + rx;
      const t0 = load<i32>(starts + (<usize>ph << 2));
      const nt = load<i32>(starts + (<usize>(ph + 1) << 2)) - t0;
      // sw = 1 writes dx rows directly; otherwise phase rows, interleaved below.
      const width = sw == 1 ? w : cdiv(w - rx, sw);
      let ci = 0;
      while (ci < cinG) {
        const n = chunk(cinG - ci);
        const dst = sw == 1
          ? dxg + ((<usize>(ci * h + iy) * w) << 2)
          : prow + ((<usize>(ci * sw + rx) * jv) << 2);
        const ldd = sw == 1 ? <usize>hw << 2 : <usize>(sw * jv) << 2;
        gatherRow(
          n, nt, src, offs + (<usize>t0 << 2), wts + ((<usize>(t0 * cinG + ci * nt)) << 4), init,
          dst, ldd, width,
        );
        ci += n;
      }
    }
    if (sw > 1) interleave(dxg + ((<usize>iy * w) << 2), hw);
  }
}

/** dx[ci, iy, j·sw + rx] = prow[ci][rx][j] for the current row (dxRow = dx[0, iy, 0]). */
function interleave(dxRow: usize, hw: i32): void {
  for (let ci = 0; ci < cinG; ci++) {
    const d = dxRow + ((<usize>ci * hw) << 2);
    const pr = prow + ((<usize>ci * sw * jv) << 2);
    let ix = 0;
    if (sw == 2) {
      const p1 = pr + (<usize>jv << 2);
      for (; ix + 8 <= w; ix += 8) {
        const j = <usize>ix << 1;
        const a = v128.load(pr + j);
        const b = v128.load(p1 + j);
        v128.store(d + (<usize>ix << 2), v128.shuffle<f32>(a, b, 0, 4, 1, 5));
        v128.store(d + (<usize>ix << 2), v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
      }
    }
    for (; ix < w; ix++) {
      store<f32>(d + (<usize>ix << 2), load<f32>(pr + (<usize>((ix % sw) * jv + ix / sw) << 2)));
    }
  }
}
