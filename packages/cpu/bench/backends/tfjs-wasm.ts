import type * as tfType from '@tensorflow/tfjs-core';
import type { BenchBackend, PreparedStep } from '../backend.js';
import { C, HW, L, M, N } from '../workloads.js';

// @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD, one thread in Node), NHWC. tfjs has no grouped
// conv, so W1/W2 run one conv2d per group on inputs split before timing (generous to tfjs: no
// split or concat is timed); W4 is the whole unit with split/concat, reshape/transpose shuffles,
// batchNorm and relu. It has no conv backward on wasm, so no W5.

let tf: typeof tfType;

async function init(): Promise<string | null> {
  try {
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries ship in the npm package and load from disk; nothing is downloaded.
    const ok = await tf.setBackend('wasm');
    if (!ok) return 'tfjs wasm backend failed to initialise';
    await tf.ready();
    return null;
  } catch (e) {
    return `tfjs-backend-wasm unavailable: ${(e as Error).message}`;
  }
}

function groupedConv(groups: number, k: number): () => PreparedStep {
  return () => {
    const cg = C / groups;
    const xs = Array.from({ length: groups }, () => tf.randomNormal([N, HW, HW, cg]));
    const ws = Array.from({ length: groups }, () => tf.randomNormal([k, k, cg, cg]));
    return {
      step: () => {
        for (let g = 0; g < groups; g++)
          tf.conv2d(xs[g] as tfType.Tensor4D, ws[g] as tfType.Tensor4D, 1, 'same').dispose();
      },
      dispose: () => tf.dispose([...xs, ...ws]),
    };
  };
}

function shuffle(y: tfType.Tensor4D, groups: number): tfType.Tensor4D {
  return tf.reshape(tf.transpose(tf.reshape(y, [N, HW, HW, groups, C / groups]), [0, 1, 2, 4, 3]), [
    N,
    HW,
    HW,
    C,
  ]);
}

function unitForward(): PreparedStep {
  const x = tf.randomNormal([N, HW, HW, C]) as tfType.Tensor4D;
  const w1 = Array.from({ length: L }, () => tf.randomNormal([3, 3, M, M]) as tfType.Tensor4D);
  const w2 = Array.from({ length: M }, () => tf.randomNormal([1, 1, L, L]) as tfType.Tensor4D);
  const mean = tf.zeros([C]) as tfType.Tensor1D;
  const variance = tf.ones([C]) as tfType.Tensor1D;
  const groupConv = (t: tfType.Tensor4D, ws: tfType.Tensor4D[]): tfType.Tensor4D =>
    tf.concat(
      tf.split(t, ws.length, 3).map((p, g) => tf.conv2d(p as tfType.Tensor4D, ws[g]!, 1, 'same')),
      3,
    ) as tfType.Tensor4D;
  return {
    step: () =>
      tf
        .tidy(() => {
          let y = groupConv(x, w1);
          y = shuffle(y, L);
          y = groupConv(y, w2);
          y = shuffle(y, M);
          return tf.relu(tf.batchNorm(y, mean, variance, undefined, undefined, 1e-5));
        })
        .dispose(),
    dispose: () => tf.dispose([x, ...w1, ...w2, mean, variance]),
  };
}

/** tfjs-backend-wasm rows for W1–W4. */
export const tfjsWasmBench: BenchBackend = {
  name: 'tfjs-wasm',
  init,
  info: () => ({ simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: 1 }),
  workloads: {
    W1: groupedConv(L, 3),
    W2: groupedConv(M, 1),
    W3: groupedConv(1, 3),
    W4: unitForward,
  },
};
