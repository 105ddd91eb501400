/**
 * Convolutions with few channels per group (IGC primary convs: 2 in, 2 out per group), where the
 * implicit GEMM of conv.ts degenerates: its N (channels per group) is too narrow for a tile, and
 * its untiled fallback decodes (ci, ky, kx) from k with four divisions per multiply-add and reads
 * every input pixel once per output channel. These kernels walk the window with nested loops
 * instead, and each thread accumulates a block of CB channels at once (CB a WGSL constant, a
 * divisor of the channels per group ≤ 8, so each variant is one of a few pipelines):
 * - forward: one thread per (image, group, channel block, output pixel); every input value read
 *   feeds CB outputs. Fuses the same epilogue as conv.ts (bias by co, inference BN by the
 *   post-shuffle channel, ReLU) and the folded interleave (`sIn`, `sOut`);
 * - backward data: the transposed conv, one thread per input pixel and input-channel block;
 * - backward filter: one thread per (filter tap (ci, ky, kx), output-channel block, chunk of the
 *   images × pixels reduction), walking its chunk with carried counters (no division in the loop);
 *   the chunks' partial filters are summed by a second, elementwise pass. No workgroup barriers:
 *   a tree reduction per weight measured 4× slower on SwiftShader for short reductions.
 * 1×1 convs with stride 1 and no padding get variants without window loops. conv.ts asks these
 * kernels first (`trySmallConv…`) and runs its GEMM when they decline.
 */
import { type Conv2DGeometry, isPointwise } from '@igcnet/tensor/backend';
import type { WebGpuBackend } from '../backend.js';
import type { Program } from '../exec/executor.js';
import type { Values } from '../exec/uniforms.js';
import { gpuFlags } from '../flags.js';
import { grid1d, LINEAR_ARGS, LINEAR_INDEX, range, storage } from './common.js';
import {
  CHANNELS,
  CONV_FIELDS,
  convUniforms,
  type Epilogue,
  epilogueFn,
  epilogueInputs,
} from './conv_shared.js';
import { directMaxK, sumPartsProgram } from './gemm.js';

const smallFields = {
  ...CONV_FIELDS,
  groups: 'i32',
  /** Channel blocks per group (channels per group / CB). */
  blocks: 'i32',
  /** Backward filter: chunks the reduction over images × pixels is split into. */
  chunks: 'i32',
  /** Threads that do work. */
  total: 'i32',
} as const;
type SmallFields = typeof smallFields;

/** Largest channel block a thread accumulates in registers. */
const MAX_BLOCK = 8;
/**
 * Backward filter: threads to aim for, and the fewest and most reduction positions per thread
 * (the most keeps a thread from walking a whole large batch when the filter alone fills a GPU).
 */
const FILTER_THREADS = 65536;
const CHUNK_MIN = 64;
const CHUNK_MAX = 2048;

/** Largest divisor of `c` that is at most MAX_BLOCK: blocks then need no tail guards. */
export function channelBlock(c: number): number {
  for (let b = Math.min(MAX_BLOCK, c); b > 1; b--) if (c % b === 0) return b;
  return 1;
}

/**
 * Whether the small kernels should run a pass. `perGroup`: the channels per group a thread blocks
 * over (the GEMM's N); `taps`: the other side's channels per group × kh·kw (the forward and
 * backward-data GEMM's K, dw's rows). Always where conv.ts would fall back to its untiled kernel
 * (K ≤ directMaxK() or N ≤ 4), and for groups up to IGCNET_GPU_SMALL_CONV channels wide (default
 * 8, with more a 16-wide tile column fills and the tiled kernel's reuse wins) where it would
 * tile: measured on SwiftShader, blocks of ≤ 8 channels beat a half-empty 16-wide tile column
 * (3×3 with 8 per group: about 3× faster) while 16 per group (W1) stays faster tiled.
 */
function wanted(perGroup: number, taps: number): boolean {
  const most = gpuFlags.get('smallConv');
  if (most <= 0) return false;
  return taps <= directMaxK() || perGroup <= 4 || perGroup <= most;
}

function uniforms(
  s: Conv2DGeometry,
  blocks: number,
  total: number,
  sIn: number,
  sOut: number,
  eps = 0,
  chunks = 1,
) {
  const v: Values<SmallFields> = {
    ...convUniforms(s, sIn, sOut, eps),
    groups: s.groups,
    blocks,
    chunks,
    total,
  };
  return v;
}

/** WGSL: forward accumulation over the group's window taps (a0… += x · w). */
function fwdWindow(js: number[]): string {
  return `var wc = co0 * K;
  for (var ci = 0; ci < P.cinG; ci++) {
    let xc = (n * P.cin + srcCh(g * P.cinG + ci)) * hw;
    for (var ky = 0; ky < P.kh; ky++) {
      let iy = iy0 + ky * P.dh;
      if (iy < 0 || iy >= P.h) { continue; }
      let xr = xc + iy * P.w;
      let wr = wc + ky * P.kw;
      for (var kx = 0; kx < P.kw; kx++) {
        let ix = ix0 + kx * P.dw;
        if (ix < 0 || ix >= P.w) { continue; }
        let v = X[xr + ix];
        let wi = wr + kx;
        ${js.map((j) => `a${j} = a${j} + v * Wt[wi${j ? ` + ${j} * K` : ''}];`).join('\n        ')}
      }
    }
    wc += khw;
  }`;
}

/** The same for a 1×1, stride-1, unpadded conv: output pixel p reads input pixel p. */
function fwdPointwise(js: number[]): string {
  return `for (var ci = 0; ci < P.cinG; ci++) {
    let v = X[(n * P.cin + srcCh(g * P.cinG + ci)) * hw + p];
    let wi = co0 * K + ci;
    ${js.map((j) => `a${j} = a${j} + v * Wt[wi${j ? ` + ${j} * K` : ''}];`).join('\n    ')}
  }`;
}

/** WGSL: backward-data accumulation over the output pixels whose windows cover input pixel p. */
function dataWindow(js: number[]): string {
  return `for (var co = 0; co < P.coutG; co++) {
    let c = g * P.coutG + co;
    let dyc = (n * P.cout + dstCh(c)) * ohw;
    // Filter taps of (c, ci0 + j) are khw apart.
    let wc = c * K + ci0 * khw;
    for (var ky = 0; ky < P.kh; ky++) {
      // Output row oy reads input row iy through tap ky when oy·sh = iy + pt − ky·dh.
      let ty = ty0 - ky * P.dh;
      if (ty < 0) { break; }
      let oy = ty / P.sh;
      if (oy * P.sh != ty || oy >= P.oh) { continue; }
      let dyr = dyc + oy * P.ow;
      let wr = wc + ky * P.kw;
      for (var kx = 0; kx < P.kw; kx++) {
        let tx = tx0 - kx * P.dw;
        if (tx < 0) { break; }
        let ox = tx / P.sw;
        if (ox * P.sw != tx || ox >= P.ow) { continue; }
        let v = DY[dyr + ox];
        let wi = wr + kx;
        ${js.map((j) => `a${j} = a${j} + v * Wt[wi${j ? ` + ${j} * khw` : ''}];`).join('\n        ')}
      }
    }
  }`;
}

/** The same for a 1×1, stride-1, unpadded conv. */
function dataPointwise(js: number[]): string {
  return `for (var co = 0; co < P.coutG; co++) {
    let c = g * P.coutG + co;
    let v = DY[(n * P.cout + dstCh(c)) * ohw + p];
    let wi = c * K + ci0;
    ${js.map((j) => `a${j} = a${j} + v * Wt[wi${j ? ` + ${j}` : ''}];`).join('\n    ')}
  }`;
}

function forwardProgram(cb: number, ep: Epilogue, pointwise: boolean): Program<SmallFields> {
  const extra = epilogueInputs(ep, 2);
  const inputs = storage(0, 'X', 'f32') + storage(1, 'Wt', 'f32') + extra.wgsl;
  const next = extra.next;
  const js = range(cb);
  return {
    key: `conv-small-fwd:cb${cb}:${pointwise ? '1x1' : 'kxk'}:${ep.bias ? 'b' : ''}${ep.bn ? 'n' : ''}${ep.relu ? 'r' : ''}`,
    fields: smallFields,
    code: (u) => `const WG = 64u;
${inputs}${storage(next, 'O', 'f32', true)}${u}
${CHANNELS}
${epilogueFn(ep)}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let ohw = P.oh * P.ow;
  let p = i % ohw; let t = i / ohw;
  let blk = t % P.blocks; let t2 = t / P.blocks;
  let g = t2 % P.groups; let n = t2 / P.groups;
  let oy = p / P.ow; let ox = p - oy * P.ow;
  let iy0 = oy * P.sh - P.pt; let ix0 = ox * P.sw - P.pl;
  let hw = P.h * P.w;
  let khw = P.kh * P.kw;
  // Filter rows of consecutive output channels are K apart.
  let K = P.cinG * khw;
  let co0 = g * P.coutG + blk * ${cb};
  ${js.map((j) => `var a${j} = 0.0;`).join(' ')}
  ${pointwise ? fwdPointwise(js) : fwdWindow(js)}
  let ob = n * P.cout;
  ${js.map((j) => `O[(ob + dstCh(co0 + ${j})) * ohw + p] = applyEpilogue(co0 + ${j}, a${j});`).join('\n  ')}
}`,
  };
}

function backDataProgram(cb: number, pointwise: boolean): Program<SmallFields> {
  const js = range(cb);
  return {
    key: `conv-small-bwd-data:cb${cb}:${pointwise ? '1x1' : 'kxk'}`,
    fields: smallFields,
    code: (u) => `const WG = 64u;
${storage(0, 'DY', 'f32')}${storage(1, 'Wt', 'f32')}${storage(2, 'O', 'f32', true)}${u}
${CHANNELS}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let hw = P.h * P.w;
  let p = i % hw; let t = i / hw;
  let blk = t % P.blocks; let t2 = t / P.blocks;
  let g = t2 % P.groups; let n = t2 / P.groups;
  let iy = p / P.w; let ix = p - iy * P.w;
  let ty0 = iy + P.pt; let tx0 = ix + P.pl;
  let ohw = P.oh * P.ow;
  let khw = P.kh * P.kw;
  let K = P.cinG * khw;
  let ci0 = blk * ${cb};
  ${js.map((j) => `var a${j} = 0.0;`).join(' ')}
  ${pointwise ? dataPointwise(js) : dataWindow(js)}
  let ib = n * P.cin;
  ${js.map((j) => `O[(ib + srcCh(g * P.cinG + ci0 + ${j})) * hw + p] = a${j};`).join('\n  ')}
}`,
  };
}

function backFilterProgram(cb: number): Program<SmallFields> {
  const js = range(cb);
  return {
    key: `conv-small-bwd-filter:cb${cb}`,
    fields: smallFields,
    code: (u) => `const WG = 64u;
${storage(0, 'DY', 'f32')}${storage(1, 'X', 'f32')}${storage(2, 'O', 'f32', true)}${u}
${CHANNELS}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  // Neighbouring threads take neighbouring chunks of the same tap, so their reads are adjacent.
  let chunk = i % P.chunks; let o = i / P.chunks;
  let khw = P.kh * P.kw;
  let K = P.cinG * khw;
  let tap = o % K; let t = o / K;
  let blk = t % P.blocks; let g = t / P.blocks;
  let kx = tap % P.kw; let t2 = tap / P.kw; let ky = t2 % P.kh; let ci = t2 / P.kh;
  let hw = P.h * P.w;
  let ohw = P.oh * P.ow;
  let xc = srcCh(g * P.cinG + ci) * hw;
  let co0 = g * P.coutG + blk * ${cb};
  ${js.map((j) => `let d${j} = dstCh(co0 + ${j}) * ohw;`).join(' ')}
  let yOff = ky * P.dh - P.pt; let xOff = kx * P.dw - P.pl;
  // The chunk is flat positions chunk, chunk + chunks, … of images × output pixels; (n, y, x)
  // are carried from one to the next instead of divided out.
  let sy = P.chunks / P.ow; let sx = P.chunks % P.ow;
  var n = chunk / ohw; var y = (chunk % ohw) / P.ow; var x = chunk % P.ow;
  ${js.map((j) => `var a${j} = 0.0;`).join(' ')}
  loop {
    if (n >= P.n) { break; }
    let iy = y * P.sh + yOff; let ix = x * P.sw + xOff;
    if (iy >= 0 && iy < P.h && ix >= 0 && ix < P.w) {
      let v = X[n * P.cin * hw + xc + iy * P.w + ix];
      let dp = n * P.cout * ohw + y * P.ow + x;
      ${js.map((j) => `a${j} = a${j} + v * DY[dp + d${j}];`).join('\n      ')}
    }
    x += sx; y += sy;
    if (x >= P.ow) { x -= P.ow; y += 1; }
    while (y >= P.oh) { y -= P.oh; n += 1; }
  }
  // dw is [cout, cinG, kh, kw]; with several chunks each writes its own copy, summed after.
  let base = chunk * P.cout * K + tap;
  ${js.map((j) => `O[base + (co0 + ${j}) * K] = a${j};`).join('\n  ')}
}`,
  };
}

/** Runs one thread per unit of `values.total` (nothing when it is 0). */
function launch(
  g: WebGpuBackend,
  program: Program<SmallFields>,
  buffers: GPUBuffer[],
  values: Values<SmallFields>,
): void {
  if (values.total === 0) return;
  const maxDim = g.deviceLimits.maxComputeWorkgroupsPerDimension;
  g.run(program, buffers, values, grid1d(values.total, 64, maxDim));
}

/** The folded interleave of a launch: groups of the input and output channelShuffle. */
export interface Shuffles {
  sIn: number;
  sOut: number;
}

/**
 * Queues the forward conv on the small-group kernel if it suits the shapes, and says whether it
 * did. `inputs` are x, w, then bias and gamma, beta, mean, variance as `ep` says (conv.ts order).
 */
export function trySmallConvForward(
  g: WebGpuBackend,
  s: Conv2DGeometry,
  ep: Epilogue,
  inputs: readonly GPUBuffer[],
  out: GPUBuffer,
  sh: Shuffles,
  eps: number,
): boolean {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  if (!wanted(coutG, cinG * s.kh * s.kw)) return false;
  const cb = channelBlock(coutG);
  const blocks = coutG / cb;
  const total = s.n * s.groups * blocks * s.outH * s.outW;
  const values = uniforms(s, blocks, total, sh.sIn, sh.sOut, eps);
  launch(g, forwardProgram(cb, ep, isPointwise(s)), [...inputs, out], values);
  return true;
}

/** Queues the backward-data conv (dx from dy and w) on the small-group kernel if it suits. */
export function trySmallConvBackData(
  g: WebGpuBackend,
  s: Conv2DGeometry,
  dy: GPUBuffer,
  w: GPUBuffer,
  out: GPUBuffer,
  sh: Shuffles,
): boolean {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  if (!wanted(cinG, coutG * s.kh * s.kw)) return false;
  const cb = channelBlock(cinG);
  const blocks = cinG / cb;
  const total = s.n * s.groups * blocks * s.h * s.w;
  const values = uniforms(s, blocks, total, sh.sIn, sh.sOut);
  launch(g, backDataProgram(cb, isPointwise(s)), [dy, w, out], values);
  return true;
}

/** Queues the backward-filter conv (dw from x and dy) on the small-group kernel if it suits. */
export function trySmallConvBackFilter(
  g: WebGpuBackend,
  s: Conv2DGeometry,
  dy: GPUBuffer,
  x: GPUBuffer,
  out: GPUBuffer,
  sh: Shuffles,
): boolean {
  const cinG = s.cin / s.groups;
  const coutG = s.cout / s.groups;
  if (!wanted(coutG, cinG * s.kh * s.kw)) return false;
  const cb = channelBlock(coutG);
  const blocks = coutG / cb;
  const outputs = s.groups * blocks * cinG * s.kh * s.kw;
  const weights = s.cout * cinG * s.kh * s.kw;
  if (weights === 0) return true;
  // Split the reduction until the launch has enough threads to fill a GPU, keeping between
  // CHUNK_MIN and CHUNK_MAX positions per thread.
  const positions = s.n * s.outH * s.outW;
  const chunks = Math.max(
    1,
    Math.ceil(positions / CHUNK_MAX),
    Math.min(Math.ceil(positions / CHUNK_MIN), Math.ceil(FILTER_THREADS / outputs)),
  );
  const values = uniforms(s, blocks, outputs * chunks, sh.sIn, sh.sOut, 0, chunks);
  if (chunks === 1) {
    launch(g, backFilterProgram(cb), [dy, x, out], values);
    return true;
  }
  const parts = g.scratch(chunks * weights);
  launch(g, backFilterProgram(cb), [dy, x, parts], values);
  const maxDim = g.deviceLimits.maxComputeWorkgroupsPerDimension;
  g.run(sumPartsProgram, [parts, out], { n: weights, parts: chunks }, grid1d(weights, 256, maxDim));
  g.releaseScratch(parts);
  return true;
}
