import { registerGradient } from '../engine/engine.js';
import { matmul } from '../ops/matmul.js';
import { reduceTo } from './util.js';

registerGradient('MatMul', ([dy], { a, b }, _out, { transposeA, transposeB }) => {
  const g = dy!;
  return {
    a: () => {
      const da = transposeA
        ? matmul(b, g, { transposeA: transposeB, transposeB: true })
        : matmul(g, b, { transposeB: !transposeB });
      return reduceTo(da, a.shape);
    },
    b: () => {
      const db = transposeB
        ? matmul(g, a, { transposeA: true, transposeB: transposeA })
        : matmul(a, g, { transposeA: !transposeA });
      return reduceTo(db, b.shape);
    },
  };
});
