import type { GemmArgs } from '../conv/gemm_args.js';
import { execute, threadsFor } from './exec.js';
import { jobAt, Layout, Op, splitRange } from './layout.js';
import type { WasmKernels } from './module.js';

/** Floats spanned by a rows × cols view with leading dimension ld. */
function extent(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/**
 * sgemm on the wasm kernels: copies the spanned parts of A, B and C into shared memory, splits
 * the columns of C over threads (each with its own packing scratch) and copies C back.
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
  const L = new Layout();
  const pa = L.alloc(aLen * 4);
  const pb = L.alloc(bLen * 4);
  const pc = L.alloc(cLen * 4);
  const wsBytes = k.exports.gemmScratchBytes();
  const ws = ranges.map(() => L.alloc(wsBytes));
  const f = L.commit(k.memory);
  f.set(p.a.subarray(p.aOffset, p.aOffset + aLen), pa >> 2);
  f.set(p.b.subarray(p.bOffset, p.bOffset + bLen), pb >> 2);
  // C is copied in even when overwritten: rows may be strided and the gaps must survive.
  f.set(p.c.subarray(p.cOffset, p.cOffset + cLen), pc >> 2);
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
      ws[t]!,
    ]);
  });
  execute(
    k,
    Op.sgemm,
    ranges.map((_, t) => jobAt(t)),
  );
  p.c.set(f.subarray(pc >> 2, (pc >> 2) + cLen), p.cOffset);
}
