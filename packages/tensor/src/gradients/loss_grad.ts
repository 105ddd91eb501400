import { registerGradient } from '../engine/engine.js';
import { exp, mul, sub } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { oneHot, softmax } from '../ops/loss.js';
import { sum } from '../ops/reduction.js';

registerGradient('Softmax', ([dy], { x }, [y]) => ({
  x: () => mul(y!, sub(dy!, sum(mul(dy!, y!), x.rank - 1, { keepDims: true }))),
}));

registerGradient('LogSoftmax', ([dy], { x }, [y]) => ({
  x: () => sub(dy!, mul(exp(y!), sum(dy!, x.rank - 1, { keepDims: true }))),
}));

registerGradient('SoftmaxCrossEntropy', ([dy], { logits, labels }) => ({
  logits: () => {
    const n = logits.shape[0]!;
    const p = sub(softmax(logits), oneHot(labels, logits.shape[1]!));
    return mul(p, reshape(dy!, [n, 1]));
  },
}));

registerGradient('OneHot', () => ({}));
registerGradient('TopK', () => ({}));
