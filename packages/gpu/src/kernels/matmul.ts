/** MatMul (2-D and batched, with transposes and batch broadcasting) on the GEMM template. */
import { type KernelTable, matmulGeometry } from '@igcnet/tensor/backend';
import { gpu, storage } from './common.js';
import { type GemmSpec, runGemm } from './gemm.js';

const mmFields = { sA: 'i32', sB: 'i32', transA: 'i32', transB: 'i32' } as const;

function matmulSpec(transA: boolean, transB: boolean): GemmSpec<typeof mmFields> {
  return {
    key: `matmul:${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`,
    fields: mmFields,
    inputs: storage(0, 'A', 'f32') + storage(1, 'B', 'f32'),
    functions: `struct RowA { base: i32 }
struct ColB { base: i32 }
fn rowA(b: i32, m: i32) -> RowA { return RowA(b * P.sA + ${transA ? 'm' : 'm * P.K'}); }
fn readA(r: RowA, b: i32, k: i32) -> f32 { return A[r.base + ${transA ? 'k * P.M' : 'k'}]; }
fn colB(b: i32, n: i32) -> ColB { return ColB(b * P.sB + ${transB ? 'n * P.K' : 'n'}); }
fn readB(c: ColB, b: i32, k: i32) -> f32 { return B[c.base + ${transB ? 'k' : 'k * P.N'}]; }
fn outIndex(b: i32, m: i32, n: i32) -> i32 { return (b * P.M + m) * P.N + n; }`,
    hasEpilogue: false,
    aKFast: !transA,
    bKFast: transB,
    readA4: transA
      ? undefined
      : {
          input: 0,
          view: 'A4',
          code: 'fn readA4(r: RowA, b: i32, k: i32) -> vec4<f32> { return A4[(r.base + k) / 4]; }',
        },
    readB4: transB
      ? {
          input: 1,
          view: 'B4',
          code: 'fn readB4(c: ColB, b: i32, k: i32) -> vec4<f32> { return B4[(c.base + k) / 4]; }',
        }
      : undefined,
  };
}

/** Matmul kernels of the WebGPU backend. */
export const matmulKernels: KernelTable = {
  MatMul: ({ inputs: { a, b }, attrs: { transposeA, transposeB }, backend }) => {
    const g = gpu(backend);
    const mm = matmulGeometry(a.shape, b.shape, transposeA, transposeB);
    const { batch, m: M, n: N, k: K } = mm;
    const out = g.alloc(mm.outShape, 'float32');
    runGemm(
      g,
      matmulSpec(transposeA, transposeB),
      [g.buf(a), g.buf(b)],
      g.buf(out),
      { M, N, K, batch, total: batch * M * N, allowSplit: true },
      {
        sA: mm.aBatchStride,
        sB: mm.bBatchStride,
        transA: transposeA ? 1 : 0,
        transB: transposeB ? 1 : 0,
      },
      // Rows of A (columns of Bᵀ) start at multiples of K: aligned whenever K % 4 = 0 (runGemm checks).
      { a: true, b: true },
    );
    return out;
  },
};
