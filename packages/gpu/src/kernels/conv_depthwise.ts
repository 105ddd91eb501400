/**
 * Depthwise convolutions (groups = input = output channels: MobileNetV2's and IGCV3's 3×3, the
 * IGC M = 1 case), where every output reads one input channel. The small-group kernels of
 * conv_small.ts run them one output pixel per thread and reload each input value once per tap
 * that covers it; these kernels give a thread a strip of STRIP neighbouring pixels of one row
 * instead and keep the strip's input row segment in registers, so a 3×3 stride-1 forward loads
 * 3·(STRIP + 2) inputs for 9·STRIP multiply-adds instead of 9·STRIP. Kernel size, stride and
 * dilation are WGSL constants (a pipeline per geometry; depthwise nets use one or two), the rest
 * are uniforms.
 * - forward: one thread per (image, channel, output row, strip); the folded interleave and the
 *   same epilogue as the other conv kernels (bias, inference BN, ReLU);
 * - backward data, stride 1: the correlation of dy with the flipped taps, strips of input pixels
 *   (other strides keep the small-group kernel's transposed conv);
 * - backward filter: one thread per (channel, chunk of output rows) accumulates all kh·kw taps,
 *   a strip at a time, then the chunks' partial filters are summed (gemm.ts's sum pass).
 * conv.ts asks these kernels before conv_small.ts's.
 */
import type { Conv2DGeometry } from '@igcnet/tensor/backend';
import type { WebGpuBackend } from '../backend.js';
import type { Program } from '../exec/executor.js';
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
import { sumPartsProgram } from './gemm.js';

const fields = {
  ...CONV_FIELDS,
  /** Strips per row (output row for forward and filter, input row for backward data). */
  strips: 'i32',
  /** Backward filter: chunks the output rows are dealt into. */
  chunks: 'i32',
  total: 'i32',
} as const;
type Fields = typeof fields;

/** Pixels of a row per thread. */
const STRIP = 4;
/** Backward filter: threads to aim for (channels × chunks). */
const FILTER_THREADS = 16384;
/** Largest kernel side the unrolled kernels take (larger depthwise convs keep the small path). */
const MAX_TAPS = 7;

/** The WGSL constants of a geometry: kernel size, stride, dilation. */
interface Taps {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
}

function tapsOf(s: Conv2DGeometry): Taps {
  return { kh: s.kh, kw: s.kw, sh: s.strideH, sw: s.strideW, dh: s.dilationH, dw: s.dilationW };
}

function key(t: Taps): string {
  return `${t.kh}x${t.kw}:s${t.sh}x${t.sw}:d${t.dh}x${t.dw}`;
}

/**
 * IGCNET_GPU_DEPTHWISE=0 sends depthwise convs to the small-group kernels instead; it is read at
 * each launch so that a benchmark can interleave both paths in one process.
 */
function enabled(): boolean {
  return gpuFlags.get('depthwise');
}

/** Whether the conv is depthwise with a kernel these kernels unroll (and they are enabled). */
export function isDepthwise(s: Conv2DGeometry): boolean {
  return (
    enabled() &&
    s.groups === s.cin &&
    s.groups === s.cout &&
    s.kh <= MAX_TAPS &&
    s.kw <= MAX_TAPS &&
    s.strideH <= 4 &&
    s.strideW <= 4
  );
}

/**
 * WGSL: loads `count` values of one row into registers r0…, r_t = ROW[base + x0 + t] or 0 outside
 * [0, width) (the index is clamped, so nothing is read out of bounds).
 */
function loadRow(buf: string, base: string, x0: string, width: string, count: number): string {
  return range(count)
    .map(
      (t) =>
        `let x${t} = ${x0} + ${t}; let r${t} = select(0.0, ${buf}[${base} + clamp(x${t}, 0, ${width} - 1)], x${t} >= 0 && x${t} < ${width});`,
    )
    .join('\n    ');
}

function forwardProgram(t: Taps, ep: Epilogue): Program<Fields> {
  const extra = epilogueInputs(ep, 2);
  const inputs = storage(0, 'X', 'f32') + storage(1, 'Wt', 'f32') + extra.wgsl;
  const js = range(STRIP);
  // Input columns a strip reads: (STRIP − 1)·sw + (kw − 1)·dw + 1.
  const span = (STRIP - 1) * t.sw + (t.kw - 1) * t.dw + 1;
  const rows = range(t.kh).map(
    (ky) => `{
    let iy = iy0 + ${ky * t.dh};
    if (iy >= 0 && iy < P.h) {
    let base = xc + iy * P.w;
    ${loadRow('X', 'base', 'ix0', 'P.w', span)}
    ${range(t.kw)
      .map((kx) => {
        const w = `Wt[wc + ${ky * t.kw + kx}]`;
        return `{ let wv = ${w}; ${js.map((j) => `a${j} = a${j} + wv * r${j * t.sw + kx * t.dw};`).join(' ')} }`;
      })
      .join('\n    ')}
    }
  }`,
  );
  return {
    key: `conv-dw-fwd:${key(t)}:${ep.bias ? 'b' : ''}${ep.bn ? 'n' : ''}${ep.relu ? 'r' : ''}`,
    fields,
    code: (u) => `const WG = 64u;
${inputs}${storage(extra.next, 'O', 'f32', true)}${u}
${CHANNELS}
${epilogueFn(ep)}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let strip = i % P.strips; let t = i / P.strips;
  let oy = t % P.oh; let t2 = t / P.oh;
  let c = t2 % P.cout; let n = t2 / P.cout;
  let ox0 = strip * ${STRIP};
  let iy0 = oy * ${t.sh} - P.pt;
  let ix0 = ox0 * ${t.sw} - P.pl;
  let xc = (n * P.cin + srcCh(c)) * P.h * P.w;
  let wc = c * ${t.kh * t.kw};
  ${js.map((j) => `var a${j} = 0.0;`).join(' ')}
  ${rows.join('\n  ')}
  let ob = ((n * P.cout + dstCh(c)) * P.oh + oy) * P.ow + ox0;
  ${js.map((j) => `if (ox0 + ${j} < P.ow) { O[ob + ${j}] = applyEpilogue(c, a${j}); }`).join('\n  ')}
}`,
  };
}

/** Stride 1 only: dx[iy][ix] = Σ dy[iy + pt − ky·dh][ix + pl − kx·dw] · w[ky][kx]. */
function backDataProgram(t: Taps): Program<Fields> {
  const js = range(STRIP);
  const span = STRIP - 1 + (t.kw - 1) * t.dw + 1;
  const rows = range(t.kh).map(
    (ky) => `{
    let oy = iy + P.pt - ${ky * t.dh};
    if (oy >= 0 && oy < P.oh) {
    let base = dc + oy * P.ow;
    ${loadRow('DY', 'base', `ix0 + P.pl - ${(t.kw - 1) * t.dw}`, 'P.ow', span)}
    ${range(t.kw)
      .map((kx) => {
        const w = `Wt[wc + ${ky * t.kw + kx}]`;
        const off = (t.kw - 1 - kx) * t.dw;
        return `{ let wv = ${w}; ${js.map((j) => `a${j} = a${j} + wv * r${j + off};`).join(' ')} }`;
      })
      .join('\n    ')}
    }
  }`,
  );
  return {
    key: `conv-dw-bwd-data:${key(t)}`,
    fields,
    code: (u) => `const WG = 64u;
${storage(0, 'DY', 'f32')}${storage(1, 'Wt', 'f32')}${storage(2, 'O', 'f32', true)}${u}
${CHANNELS}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  let strip = i % P.strips; let t = i / P.strips;
  let iy = t % P.h; let t2 = t / P.h;
  let c = t2 % P.cin; let n = t2 / P.cin;
  let ix0 = strip * ${STRIP};
  let dc = (n * P.cout + dstCh(c)) * P.oh * P.ow;
  let wc = c * ${t.kh * t.kw};
  ${js.map((j) => `var a${j} = 0.0;`).join(' ')}
  ${rows.join('\n  ')}
  let ob = ((n * P.cin + srcCh(c)) * P.h + iy) * P.w + ix0;
  ${js.map((j) => `if (ix0 + ${j} < P.w) { O[ob + ${j}] = a${j}; }`).join('\n  ')}
}`,
  };
}

function backFilterProgram(t: Taps): Program<Fields> {
  const js = range(STRIP);
  const span = (STRIP - 1) * t.sw + (t.kw - 1) * t.dw + 1;
  const taps = range(t.kh * t.kw);
  const rows = range(t.kh).map(
    (ky) => `{
      let iy = oy * ${t.sh} - P.pt + ${ky * t.dh};
      if (iy >= 0 && iy < P.h) {
      let base = xc + iy * P.w;
      ${loadRow('X', 'base', 'ix0', 'P.w', span)}
      ${range(t.kw)
        .map(
          (kx) =>
            `a${ky * t.kw + kx} = a${ky * t.kw + kx} + ${js.map((j) => `d${j} * r${j * t.sw + kx * t.dw}`).join(' + ')};`,
        )
        .join('\n      ')}
      }
    }`,
  );
  return {
    key: `conv-dw-bwd-filter:${key(t)}`,
    fields,
    code: (u) => `const WG = 64u;
${storage(0, 'DY', 'f32')}${storage(1, 'X', 'f32')}${storage(2, 'O', 'f32', true)}${u}
${CHANNELS}
@compute @workgroup_size(64) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.total) { return; }
  // Neighbouring threads take neighbouring chunks (rows) of the same channel.
  let chunk = i % P.chunks; let c = i / P.chunks;
  let hw = P.h * P.w;
  let ohw = P.oh * P.ow;
  ${taps.map((k) => `var a${k} = 0.0;`).join(' ')}
  for (var r = chunk; r < P.n * P.oh; r += P.chunks) {
    let n = r / P.oh; let oy = r - n * P.oh;
    let xc = (n * P.cin + srcCh(c)) * hw;
    let dr = (n * P.cout + dstCh(c)) * ohw + oy * P.ow;
    for (var ox0 = 0; ox0 < P.ow; ox0 += ${STRIP}) {
      let ix0 = ox0 * ${t.sw} - P.pl;
      ${js.map((j) => `let d${j} = select(0.0, DY[dr + min(ox0 + ${j}, P.ow - 1)], ox0 + ${j} < P.ow);`).join('\n      ')}
      ${rows.join('\n      ')}
    }
  }
  // Partial filters [chunk][c][tap], summed over the chunks after.
  let base = (chunk * P.cout + c) * ${t.kh * t.kw};
  ${taps.map((k) => `O[base + ${k}] = a${k};`).join(' ')}
}`,
  };
}

function launch(
  g: WebGpuBackend,
  program: Program<Fields>,
  buffers: GPUBuffer[],
  values: { total: number } & Record<string, number>,
  s: Conv2DGeometry,
  sIn: number,
  sOut: number,
  eps = 0,
): void {
  if (values.total === 0) return;
  const maxDim = g.deviceLimits.maxComputeWorkgroupsPerDimension;
  g.run(
    program,
    buffers,
    { ...convUniforms(s, sIn, sOut, eps), strips: 0, chunks: 1, ...values },
    grid1d(values.total, 64, maxDim),
  );
}

/** The folded interleave of a launch. */
interface Shuffles {
  sIn: number;
  sOut: number;
}

/** Queues a depthwise forward conv if `s` is one; says whether it did. */
export function tryDepthwiseForward(
  g: WebGpuBackend,
  s: Conv2DGeometry,
  ep: Epilogue,
  inputs: readonly GPUBuffer[],
  out: GPUBuffer,
  sh: Shuffles,
  eps: number,
): boolean {
  if (!isDepthwise(s)) return false;
  const strips = Math.ceil(s.outW / STRIP);
  const total = s.n * s.cout * s.outH * strips;
  launch(
    g,
    forwardProgram(tapsOf(s), ep),
    [...inputs, out],
    { total, strips },
    s,
    sh.sIn,
    sh.sOut,
    eps,
  );
  return true;
}

/** Queues a depthwise backward-data conv if `s` is one with stride 1; says whether it did. */
export function tryDepthwiseBackData(
  g: WebGpuBackend,
  s: Conv2DGeometry,
  dy: GPUBuffer,
  w: GPUBuffer,
  out: GPUBuffer,
  sh: Shuffles,
): boolean {
  if (!isDepthwise(s) || s.strideH !== 1 || s.strideW !== 1) return false;
  const strips = Math.ceil(s.w / STRIP);
  const total = s.n * s.cin * s.h * strips;
  launch(g, backDataProgram(tapsOf(s)), [dy, w, out], { total, strips }, s, sh.sIn, sh.sOut);
  return true;
}

/** Queues a depthwise backward-filter conv if `s` is one; says whether it did. */
export function tryDepthwiseBackFilter(
  g: WebGpuBackend,
  s: Conv2DGeometry,
  dy: GPUBuffer,
  x: GPUBuffer,
  out: GPUBuffer,
  sh: Shuffles,
): boolean {
  // An empty reduction (no output pixels) is left to the small kernel, which writes zeros.
  if (!isDepthwise(s) || s.n * s.outH * s.outW === 0) return false;
  const weights = s.cout * s.kh * s.kw;
  if (weights === 0) return true;
  const rows = s.n * s.outH;
  const chunks = Math.max(1, Math.min(rows, Math.ceil(FILTER_THREADS / s.cout)));
  const total = s.cout * chunks;
  const program = backFilterProgram(tapsOf(s));
  if (chunks === 1) {
    launch(g, program, [dy, x, out], { total, chunks }, s, sh.sIn, sh.sOut);
    return true;
  }
  const parts = g.scratch(chunks * weights);
  launch(g, program, [dy, x, parts], { total, chunks }, s, sh.sIn, sh.sOut);
  const maxDim = g.deviceLimits.maxComputeWorkgroupsPerDimension;
  g.run(sumPartsProgram, [parts, out], { n: weights, parts: chunks }, grid1d(weights, 256, maxDim));
  g.releaseScratch(parts);
  return true;
}
