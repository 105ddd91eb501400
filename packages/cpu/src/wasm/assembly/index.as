// AssemblyScript entry: job-block entry points that one thread runs over a range of work items.
// A job block is an array of i32 written by the host (src/cpu/conv/wasm/layout.ts writes it);
// an item is one (image, group) pair, item = n·groups + g (g·batch + n for the small-group
// kernels), so threads split batches and, for batch 1, groups. Module globals are per instance,
// hence per thread.
import { gemm, gemmScratchBytes, MR, NR, packA } from './gemm';
import { col2imAdd, im2col } from './im2col';
import { pointwiseFilter, pointwiseGemm, pointwiseScratchFloats } from './pointwise';
import { winogradItem, winogradScratchBytes } from './winograd';
import { winogradFilterItem, winogradGradScratchBytes } from './winograd_grad';
import {
  filterReduce, smallBegin, smallFilterItem, smallForwardItem, smallInputItem, smallScratchBytes,
  smallSetup,
} from './small';
import {
  filterTaps, forwardTaps, padGrad, paddedHeight, paddedWidth, padPlanes, planeSlack, tapOffsets,
} from './implicit';

export { filterReduce, gemmScratchBytes };
import { bnTrainChannels, bnTrainGradChannels, NORM_ACC_BYTES } from './norm';
export { ewBinary, ewRelu, ewStep } from './elementwise';
import { ewRelu } from './elementwise';
export { winogradFilter } from './winograd';
export { winogradFilterReduce } from './winograd_grad';

/** Bit of the flags slot that forces im2col for stride-1 convs (benchmarks compare). */
const FLAG_NO_IMPLICIT: i32 = 2;
/** Bit of the flags slot that selects the direct small-group kernels of small.as (any stride). */
const FLAG_SMALL: i32 = 4;
/**
 * Bit of the flags slot that selects the 1×1 kernels of pointwise.as (stride 1, unpadded), which
 * read and write channel planes through the tables at slots 27 (input channels) and 28 (output
 * channels): byte offsets of each channel's plane from its image's first. Overrides the others.
 */
const FLAG_POINTWISE: i32 = 8;
/**
 * Bit of the flags slot that runs a forward 3×3 stride-1 conv by Winograd's F(2×2, 3×3)
 * (winograd.as), with the transformed filters at slot 27 (the host's winogradFilter).
 */
const FLAG_WINOGRAD: i32 = 16;
/**
 * Bit of the flags slot that applies max(·, 0) to the forward conv's output (a FusedConv2D
 * epilogue, its batch norm folded into the weights and bias by the host): in registers on the
 * pointwise kernels, else over each item's output while it is in cache.
 */
const FLAG_RELU: i32 = 32;

let i0: i32, i1: i32, cin: i32, h: i32, w: i32, cout: i32, kh: i32, kw: i32;
let outH: i32, outW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, groups: i32;
let p0: usize, p1: usize, p2: usize, p3: usize, ws: usize, flags: i32, counter: usize, batch: i32;
let cinG: i32, coutG: i32, kc: i32, hw: i32, ohw: i32;

// @ts-ignore: decorator
@inline
function slot(job: usize, i: i32): i32 {
  return load<i32>(job + (<usize>i << 2));
}

/** A byte-offset slot, read unsigned so memories past 2 GiB still address correctly. */
// @ts-ignore: decorator
@inline
function ptr(job: usize, i: i32): usize {
  return <usize>load<u32>(job + (<usize>i << 2));
}

/**
 * Slots: 0 i0, 1 i1, 2 cin, 3 h, 4 w, 5 cout, 6 kh, 7 kw, 8 outH, 9 outW, 10 strideH,
 * 11 strideW, 12 padTop, 13 padLeft, 14 dilationH, 15 dilationW, 16 groups, 17–20 pointers
 * (per entry point), 21 scratch, 22 flags, 23 shared item counter (0: take [i0, i1) alone),
 * 24 batch, 25–26 per entry point (convFilter), 27–28 channel tables (FLAG_POINTWISE) or 27
 * transformed filters (FLAG_WINOGRAD).
 */
function readJob(job: usize): void {
  i0 = slot(job, 0); i1 = slot(job, 1); cin = slot(job, 2); h = slot(job, 3); w = slot(job, 4);
  cout = slot(job, 5); kh = slot(job, 6); kw = slot(job, 7); outH = slot(job, 8); outW = slot(job, 9);
  sh = slot(job, 10); sw = slot(job, 11); pt = slot(job, 12); pl = slot(job, 13);
  dh = slot(job, 14); dw = slot(job, 15); groups = slot(job, 16);
  p0 = ptr(job, 17); p1 = ptr(job, 18); p2 = ptr(job, 19); p3 = ptr(job, 20);
  ws = ptr(job, 21); flags = slot(job, 22); counter = ptr(job, 23); batch = slot(job, 24);
  cinG = cin / groups; coutG = cout / groups; kc = cinG * kh * kw;
  hw = h * w; ohw = outH * outW;
}

/**
 * The host chose the direct small-group kernels; also passes them the geometry. The forward's
 * items run group-major (item = g·batch + n), so a thread mostly keeps one group's packed
 * weights from one image to the next; the gradients' mostly image-major (see there).
 */
function smallGroups(): bool {
  if ((flags & FLAG_SMALL) == 0) return false;
  smallSetup(cinG, h, w, coutG, kh, kw, outH, outW, sh, sw, pt, pl, dh, dw);
  return true;
}

/**
 * The first / next item this thread works on. With a shared counter every thread claims items
 * one at a time, so a thread that the OS deschedules (other processes on a 2-core machine) does
 * not hold back the others: the rest take over its share.
 */
function firstItem(): i32 {
  return counter != 0 ? atomic.add<i32>(counter, 1) : i0;
}

function nextItem(item: i32): i32 {
  return counter != 0 ? atomic.add<i32>(counter, 1) : item + 1;
}

/** Stride 1 and allowed to use the implicit-GEMM kernels. */
function unitStride(): bool {
  return sh == 1 && sw == 1 && (flags & FLAG_NO_IMPLICIT) == 0;
}

function align64(b: i32): i32 {
  return (b + 63) & ~63;
}

/** Scratch layout of the implicit (stride-1) kernels: planes, tap offsets, then per op. */
function planesBytes(): i32 {
  const hp = paddedHeight(outH, kh, dh), wp = paddedWidth(outW, kw, dw);
  return align64((cinG * hp * wp + planeSlack(wp)) * 4);
}

function gradRowFloats(): i32 {
  return (outH * paddedWidth(outW, kw, dw) + 3) & ~3;
}

/**
 * Scratch bytes one thread needs for `op` (0 forward, 1 filter, 2 input) on the job's shape;
 * the host calls it after writing the shape slots.
 */
export function convScratchBytes(job: usize, op: i32): i32 {
  readJob(job);
  if ((flags & FLAG_WINOGRAD) != 0) {
    if (op == 1) return winogradGradScratchBytes(cinG, coutG, outH, outW);
    return winogradScratchBytes(cinG, coutG, outH, outW);
  }
  if ((flags & FLAG_POINTWISE) != 0) {
    if (op == 1) return 0;
    const m = op == 0 ? coutG : cinG, k = op == 0 ? cinG : coutG;
    return panelBytes(m, k) + pointwiseScratchFloats(k) * 4;
  }
  if (smallGroups()) return smallScratchBytes(op);
  if (op != 2 && unitStride()) {
    const base = planesBytes() + align64(kc * 4);
    if (op == 0) return base + align64(((coutG + MR - 1) / MR) * MR * kc * 4) + MR * NR * 4;
    return base + align64(coutG * gradRowFloats() * 4);
  }
  return gemmScratchBytes() + kc * ohw * 4;
}

/** Bytes of an m × k matrix packed in MR-row panels (packA). */
function panelBytes(m: i32, k: i32): i32 {
  return align64(((m + MR - 1) / MR) * MR * k * 4);
}

function addBias(bias: usize, g: i32, yg: usize): void {
  for (let co = 0; co < coutG; co++) {
    const bv = v128.load32_splat(bias + (<usize>(g * coutG + co) << 2));
    const row = yg + ((<usize>co * ohw) << 2);
    let p = 0;
    for (; p + 4 <= ohw; p += 4) {
      const a = row + (<usize>p << 2);
      v128.store(a, f32x4.add(v128.load(a), bv));
    }
    const bs = f32x4.extract_lane(bv, 0);
    for (; p < ohw; p++) {
      const a = row + (<usize>p << 2);
      store<f32>(a, load<f32>(a) + bs);
    }
  }
}

/** max(·, 0) over one item's output (its group's coutG planes) when FLAG_RELU is set. */
function reluItem(yg: usize): void {
  if ((flags & FLAG_RELU) != 0) ewRelu(yg, yg, coutG * ohw);
}

/**
 * y (+ bias) for items [i0, i1), then max(·, 0) with FLAG_RELU. Pointers: 17 x, 18 w, 19 bias
 * (0: none), 20 y.
 */
export function convForward(job: usize): void {
  readJob(job);
  const x = p0, wt = p1, bias = p2, y = p3;
  if ((flags & FLAG_WINOGRAD) != 0) {
    const u = ptr(job, 27);
    const uGroup = <usize>(16 * coutG * cinG) << 2;
    for (let item = firstItem(); item < i1; item = nextItem(item)) {
      const n = item / groups, g = item % groups;
      const yg = y + ((<usize>(n * cout + g * coutG) * ohw) << 2);
      winogradItem(
        x + ((<usize>(n * cin + g * cinG) * hw) << 2), cinG, h, w, pt, pl, outH, outW,
        u + <usize>g * uGroup, coutG, bias != 0 ? bias + (<usize>(g * coutG) << 2) : 0, yg, ws,
      );
      reluItem(yg);
    }
    return;
  }
  if ((flags & FLAG_POINTWISE) != 0) {
    const inT = ptr(job, 27), outT = ptr(job, 28);
    const pa = ws, gws = ws + <usize>panelBytes(coutG, cinG);
    let packed = -1;
    for (let item = firstItem(); item < i1; item = nextItem(item)) {
      const n = item / groups, g = item % groups;
      if (packed != g) {
        packA(wt + ((<usize>(g * coutG) * cinG) << 2), cinG, false, 0, 0, coutG, cinG, pa);
        packed = g;
      }
      pointwiseGemm(
        coutG, cinG, hw, pa, x + ((<usize>n * cin * hw) << 2), inT + (<usize>(g * cinG) << 2),
        y + ((<usize>n * cout * hw) << 2), outT + (<usize>(g * coutG) << 2), gws,
        bias != 0 ? bias + (<usize>(g * coutG) << 2) : 0, (flags & FLAG_RELU) != 0,
      );
    }
    return;
  }
  if (smallGroups()) {
    smallBegin(0, ws);
    for (let item = firstItem(); item < i1; item = nextItem(item)) {
      const g = item / batch, n = item % batch;
      const yg = y + ((<usize>(n * cout + g * coutG) * ohw) << 2);
      smallForwardItem(
        x + ((<usize>(n * cin + g * cinG) * hw) << 2),
        wt + ((<usize>(g * coutG) * kc) << 2),
        bias != 0 ? bias + (<usize>(g * coutG) << 2) : 0,
        yg,
      );
      reluItem(yg);
    }
    return;
  }
  const implicit = unitStride();
  const hp = paddedHeight(outH, kh, dh), wp = paddedWidth(outW, kw, dw);
  const xpad = ws;
  const offs = xpad + <usize>planesBytes();
  const pa = offs + <usize>align64(kc * 4);
  const tmp = pa + <usize>align64(((coutG + MR - 1) / MR) * MR * kc * 4);
  const col = ws + <usize>gemmScratchBytes();
  if (implicit) tapOffsets(cinG, kh, kw, dh, dw, hp, wp, offs);
  let packed = -1;
  for (let item = firstItem(); item < i1; item = nextItem(item)) {
    const n = item / groups, g = item % groups;
    const xg = x + ((<usize>(n * cin + g * cinG) * hw) << 2);
    const yg = y + ((<usize>(n * cout + g * coutG) * ohw) << 2);
    const wg = wt + ((<usize>(g * coutG) * kc) << 2);
    if (implicit) {
      if (packed != g) {
        packA(wg, kc, false, 0, 0, coutG, kc, pa);
        packed = g;
      }
      padPlanes(xg, cinG, h, w, pt, pl, hp, wp, xpad);
      forwardTaps(pa, coutG, kc, xpad, offs, wp, outH, outW, yg, tmp);
    } else {
      im2col(xg, cinG, h, w, kh, kw, outH, outW, sh, sw, pt, pl, dh, dw, col);
      gemm(coutG, ohw, kc, wg, kc, false, col, ohw, false, yg, ohw, false, ws);
    }
    if (bias != 0) addBias(bias, g, yg);
    reluItem(yg);
  }
}

/**
 * dw as partial sums over fixed chunks of items (small groups: per-item slots instead). Chunk c
 * holds items [⌊items·c / chunks⌋, ⌊items·(c+1) / chunks⌋) summed in order into its own partial
 * at pointer 20 + c·slot 26 bytes; [i0, i1) (or the shared counter) ranges over chunks. The
 * chunks do not depend on the thread count, so neither do the sums: the host adds the partials
 * in chunk order. Pointers: 17 x, 18 dy, 20 partials; slots 25 chunks, 26 partial stride.
 */
export function convFilter(job: usize): void {
  readJob(job);
  const x = p0, dy = p1, dwt = p3;
  if (smallGroups()) {
    // Pointer 20 holds one slot of coutG·kc floats per item (see filterReduce).
    // Items image-major (item = n·groups + g): consecutive items read consecutive planes, one
    // stream for the prefetchers. The slot stays g·batch + n, the order filterReduce adds in.
    smallBegin(1, ws);
    for (let item = firstItem(); item < i1; item = nextItem(item)) {
      const n = item / groups, g = item % groups;
      smallFilterItem(
        x + ((<usize>(n * cin + g * cinG) * hw) << 2),
        dy + ((<usize>(n * cout + g * coutG) * ohw) << 2),
        dwt + ((<usize>(g * batch + n) * coutG * kc) << 2),
      );
    }
    return;
  }
  const chunks = slot(job, 25);
  const partStride = ptr(job, 26);
  const items = batch * groups;
  if ((flags & FLAG_WINOGRAD) != 0) {
    // Each chunk's partial holds every group's transformed gradient [ξ][coutG][cinG]
    // (winograd_grad.as); the host's winogradFilterReduce finishes dw.
    const groupBytes = <usize>(16 * coutG * cinG) << 2;
    for (let c = firstItem(); c < i1; c = nextItem(c)) {
      const part = dwt + <usize>c * partStride;
      memory.fill(part, 0, <usize>groups * groupBytes);
      const a = <i32>((<i64>items * c) / chunks), b = <i32>((<i64>items * (c + 1)) / chunks);
      for (let item = a; item < b; item++) {
        const n = item / groups, g = item % groups;
        winogradFilterItem(
          x + ((<usize>(n * cin + g * cinG) * hw) << 2), cinG, h, w, pt, pl, outH, outW,
          dy + ((<usize>(n * cout + g * coutG) * ohw) << 2), coutG, part + <usize>g * groupBytes, ws,
        );
      }
    }
    return;
  }
  if ((flags & FLAG_POINTWISE) != 0) {
    const inT = ptr(job, 27), outT = ptr(job, 28);
    for (let c = firstItem(); c < i1; c = nextItem(c)) {
      const part = dwt + <usize>c * partStride;
      memory.fill(part, 0, <usize>(cout * cinG) << 2);
      const a = <i32>((<i64>items * c) / chunks), b = <i32>((<i64>items * (c + 1)) / chunks);
      for (let item = a; item < b; item++) {
        const n = item / groups, g = item % groups;
        pointwiseFilter(
          coutG, cinG, hw, dy + ((<usize>n * cout * hw) << 2), outT + (<usize>(g * coutG) << 2),
          x + ((<usize>n * cin * hw) << 2), inT + (<usize>(g * cinG) << 2),
          part + ((<usize>(g * coutG) * cinG) << 2),
        );
      }
    }
    return;
  }
  const implicit = unitStride();
  const hp = paddedHeight(outH, kh, dh), wp = paddedWidth(outW, kw, dw);
  const qs = gradRowFloats();
  const xpad = ws;
  const offs = xpad + <usize>planesBytes();
  const dyp = offs + <usize>align64(kc * 4);
  const col = ws + <usize>gemmScratchBytes();
  if (implicit) tapOffsets(cinG, kh, kw, dh, dw, hp, wp, offs);
  for (let c = firstItem(); c < i1; c = nextItem(c)) {
    const part = dwt + <usize>c * partStride;
    memory.fill(part, 0, <usize>(cout * kc) << 2);
    const a = <i32>((<i64>items * c) / chunks), b = <i32>((<i64>items * (c + 1)) / chunks);
    for (let item = a; item < b; item++) {
      const n = item / groups, g = item % groups;
      const xg = x + ((<usize>(n * cin + g * cinG) * hw) << 2);
      const dyg = dy + ((<usize>(n * cout + g * coutG) * ohw) << 2);
      const dwg = part + ((<usize>(g * coutG) * kc) << 2);
      if (implicit) {
        padPlanes(xg, cinG, h, w, pt, pl, hp, wp, xpad);
        padGrad(dyg, coutG, outH, outW, wp, qs, dyp);
        filterTaps(xpad, offs, kc, dyp, coutG, qs, dwg);
      } else {
        im2col(xg, cinG, h, w, kh, kw, outH, outW, sh, sw, pt, pl, dh, dw, col);
        gemm(coutG, kc, ohw, dyg, ohw, false, col, ohw, true, dwg, kc, true, ws);
      }
    }
  }
}

/**
 * dx for items [i0, i1): the direct small-group kernel, else GEMM into columns then col2im (any
 * stride). Pointers: 17 dy, 18 w, 20 dx.
 */
export function convInput(job: usize): void {
  readJob(job);
  const dy = p0, wt = p1, dx = p3;
  if ((flags & FLAG_POINTWISE) != 0) {
    // dx = Wᵀ·dy per group: W's transpose packed, the tables' roles swapped.
    const inT = ptr(job, 27), outT = ptr(job, 28);
    const pa = ws, gws = ws + <usize>panelBytes(cinG, coutG);
    let packed = -1;
    for (let item = firstItem(); item < i1; item = nextItem(item)) {
      const n = item / groups, g = item % groups;
      if (packed != g) {
        packA(wt + ((<usize>(g * coutG) * cinG) << 2), cinG, true, 0, 0, cinG, coutG, pa);
        packed = g;
      }
      pointwiseGemm(
        cinG, coutG, hw, pa, dy + ((<usize>n * cout * hw) << 2), outT + (<usize>(g * coutG) << 2),
        dx + ((<usize>n * cin * hw) << 2), inT + (<usize>(g * cinG) << 2), gws,
      );
    }
    return;
  }
  if (smallGroups()) {
    // Items image-major as in convFilter where repacking the weights at every change of group
    // costs little (up to 256 splats: 1.1–1.2× less time on IGC-L24M2's 2 × 2 and 4 × 4
    // groups), else group-major (8 × 8 groups repacking 576 splats per item lost 1.15×).
    smallBegin(2, ws);
    const imageMajor = coutG * kc <= 256;
    for (let item = firstItem(); item < i1; item = nextItem(item)) {
      const n = imageMajor ? item / groups : item % batch;
      const g = imageMajor ? item % groups : item / batch;
      smallInputItem(
        dy + ((<usize>(n * cout + g * coutG) * ohw) << 2),
        wt + ((<usize>(g * coutG) * kc) << 2),
        dx + ((<usize>(n * cin + g * cinG) * hw) << 2),
      );
    }
    return;
  }
  const col = ws + <usize>gemmScratchBytes();
  for (let item = firstItem(); item < i1; item = nextItem(item)) {
    const n = item / groups, g = item % groups;
    const dxg = dx + ((<usize>(n * cin + g * cinG) * hw) << 2);
    const dyg = dy + ((<usize>(n * cout + g * coutG) * ohw) << 2);
    const wg = wt + ((<usize>(g * coutG) * kc) << 2);
    memory.fill(dxg, 0, <usize>(cinG * hw) << 2);
    gemm(kc, ohw, coutG, wg, kc, true, dyg, ohw, false, col, ohw, false, ws);
    col2imAdd(col, cinG, h, w, kh, kw, outH, outW, sh, sw, pt, pl, dh, dw, dxg);
  }
}

/** One GEMM. Slots: m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, ws. */
export function sgemm(job: usize): void {
  gemm(
    slot(job, 0), slot(job, 1), slot(job, 2),
    ptr(job, 3), slot(job, 4), slot(job, 5) != 0,
    ptr(job, 6), slot(job, 7), slot(job, 8) != 0,
    ptr(job, 9), slot(job, 10), slot(job, 11) != 0, ptr(job, 12),
  );
}

/** Bytes of scratch a normJob thread needs for blocks of `channels` channels. */
export function normScratchBytes(channels: i32): i32 {
  return channels * NORM_ACC_BYTES;
}

/**
 * Training batch norm (forward or gradient, plain or with ReLU) over blocks of consecutive
 * channels claimed one at a time from the shared counter at slot 3 (0: all blocks alone).
 * Slots: 0 kind (0 forward, 1 forward + ReLU, 2 gradient, 3 gradient of the ReLU variant), 4 n,
 * 5 c, 6 plane, 7–15 the pointers in the order of bnTrainChannels / bnTrainGradChannels (unused
 * ones 0), bytes 64–71 eps (f64), 18 this thread's scratch (block · NORM_ACC_BYTES), 19 the
 * block's channels. Each channel's sums run in the same order whatever the block or thread, so
 * the split never changes the bits.
 */
export function normJob(job: usize): void {
  const kind = slot(job, 0), ctr = ptr(job, 3);
  const n = slot(job, 4), c = slot(job, 5), plane = slot(job, 6);
  const a = ptr(job, 7), b = ptr(job, 8), d = ptr(job, 9), e = ptr(job, 10), f = ptr(job, 11);
  const g = ptr(job, 12), k = ptr(job, 13), l = ptr(job, 14), m = ptr(job, 15);
  const eps = load<f64>(job + 64);
  const acc = ptr(job, 18), block = slot(job, 19);
  const blocks = (c + block - 1) / block;
  for (let i = ctr != 0 ? atomic.add<i32>(ctr, 1) : 0; i < blocks; i = ctr != 0 ? atomic.add<i32>(ctr, 1) : i + 1) {
    const c0 = i * block, c1 = min<i32>(c0 + block, c);
    if (kind == 0) bnTrainChannels(a, b, d, e, f, g, n, c, plane, eps, false, c0, c1, acc);
    else if (kind == 1) bnTrainChannels(a, b, d, e, f, g, n, c, plane, eps, true, c0, c1, acc);
    else if (kind == 2) bnTrainGradChannels(a, 0, b, d, e, f, g, k, l, n, c, plane, eps, c0, c1, acc);
    else bnTrainGradChannels(a, b, d, e, f, g, k, l, m, n, c, plane, eps, c0, c1, acc);
  }
}
