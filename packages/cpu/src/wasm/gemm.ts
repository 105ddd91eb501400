import type { GemmArgs } from '../conv/gemm_args.js';
import { execute, threadsFor } from './exec.js';
import { jobAt, Op, splitRange } from './layout.js';
import type { WasmKernels } from './module.js';
import { withCall } from './operands.js';

/** Floats spanned by a rows × cols view with leading dimension ld. */
function extent(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/**
 * sgemm on the wasm kernels: A, B and C in place (or the spanned parts copied, for arrays
 * outside the kernels' memory); the columns of C split over threads, each with its own packing
 * scratch. Every element of C is summed whole by one thread in the same order, so the bits do
 * not depend on the split.
 */
export function wasmSgemm(k: WasmKernels, threads: number, p: GemmArgs): void {
  const { m, n, k: kk } = p;
  const aLen = p.transA ? extent(kk, m, p.lda) : extent(m, kk, p.lda);
  const bLen = p.transB ? extent(n, kk, p.ldb) : extent(kk, n, p.ldb);
  const cLen = extent(m, n, p.ldc);
  // Columns split in multiples of 8 (the register tile width) so every thread gets full tiles.
  const ranges = splitRange(Math.ceil(n / 8), threadsFor(k, threads, m * n * kk)).map(
    ([a, b]): [number, number] => [a * 8, Math.min(n, b * 8)],
  );
  withCall(k.heap, (c) => {
    const pa = c.input(p.a.subarray(p.aOffset, p.aOffset + aLen));
    const pb = c.input(p.b.subarray(p.bOffset, p.bOffset + bLen));
    // C goes in and out even when overwritten: rows may be strided and the gaps must survive.
    const pc = c.inout(p.c.subarray(p.cOffset, p.cOffset + cLen));
    const wsBytes = k.exports.gemmScratchBytes();
    ranges.forEach(([j0, j1], t) => {
      const bCol = p.transB ? j0 * p.ldb : j0;
      new Int32Array(k.memory.buffer, jobAt(t), 13).set([
        m,
        j1 - j0,
        kk,
        pa,
        p.lda,
        p.transA ? 1 : 0,
        pb + bCol * 4,
        p.ldb,
        p.transB ? 1 : 0,
        pc + j0 * 4,
        p.ldc,
        p.accumulate ? 1 : 0,
        c.scratch(wsBytes),
      ]);
    });
    execute(
      k,
      Op.sgemm,
      ranges.map((_, t) => jobAt(t)),
    );
  });
}
