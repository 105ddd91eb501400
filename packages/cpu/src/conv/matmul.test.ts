import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../wasm/module.js';
import type { GemmArgs } from './gemm_args.js';
import { sgemm } from './matmul.js';
import { sgemmNaive } from './reference.js';
import { MODES, randomFloats, relError, withMode } from './testing-util.js';

/** m, n, k; sizes straddle the 4×8 / 4×4 tiles and the 256-wide K block. */
const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [5, 7, 3],
  [13, 17, 19],
  [33, 70, 300],
  [70, 9, 5],
  [64, 130, 40],
  [3, 600, 2],
  [8, 8, 0],
];

function args(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
  seed: number,
): GemmArgs {
  // Offsets and leading dimensions larger than the logical ones, so strides are exercised.
  const lda = (transA ? m : k) + 3;
  const ldb = (transB ? k : n) + 2;
  const ldc = n + 5;
  const aRows = transA ? k : m;
  const bRows = transB ? n : k;
  return {
    m,
    n,
    k,
    transA,
    transB,
    accumulate,
    a: randomFloats(7 + aRows * lda, seed),
    aOffset: 7,
    lda,
    b: randomFloats(3 + bRows * ldb, seed + 1),
    bOffset: 3,
    ldb,
    c: randomFloats(11 + m * ldc + 4, seed + 2),
    cOffset: 11,
    ldc,
  };
}

describe.each(MODES)('sgemm ($name)', (mode) => {
  it.skipIf(mode.impl === 'wasm' && !loadWasmKernels())('matches the naive reference', () => {
    withMode(mode, () => {
      let seed = 1;
      for (const [m, n, k] of SIZES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const accumulate of [false, true]) {
              seed += 3;
              const p = args(m, n, k, transA, transB, accumulate, seed);
              const ref = { ...p, c: p.c.slice() };
              sgemm(p);
              sgemmNaive(ref);
              const what = `${m}×${n}×${k} tA=${transA} tB=${transB} acc=${accumulate}`;
              // Whole C, so gaps between strided rows and the margins must be untouched.
              expect(relError(p.c, ref.c), what).toBeLessThan(1e-4);
            }
          }
        }
      }
    });
  });
});
