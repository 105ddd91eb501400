/** Helpers of the onnxruntime verification tests. Not part of the public API. */
import { BatchNorm2d, type Module } from '@igcnet/layers';
import { Random, randomNormal, randomUniform, type Tensor, tensor } from '@igcnet/tensor';
import ort from 'onnxruntime-node';
import { INPUT_NAME, OUTPUT_NAME } from './export.js';

/**
 * Gives every BN non-trivial statistics and affine parameters (seeded), as after training, so
 * that a wrong epsilon, a swapped mean/var or a missing BN shows in the logits.
 */
export function randomizeBatchNorm(model: Module, seed: number): void {
  const rng = new Random(seed);
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm2d)) continue;
    const n = [m.numFeatures];
    const values: [typeof m.weight, Tensor][] = [
      [m.weight, randomUniform(n, { min: 0.5, max: 1.5, rng })],
      [m.bias, randomNormal(n, { std: 0.2, rng })],
      [m.runningMean, randomNormal(n, { std: 0.2, rng })],
      [m.runningVar, randomUniform(n, { min: 0.5, max: 2, rng })],
    ];
    for (const [v, t] of values) {
      v.assign(t);
      t.dispose();
    }
  }
}

/**
 * Sets every BN's running statistics to those of one training-mode forward of a seeded batch
 * (momentum 1 for that pass), then gives γ and β seeded random values: the state of a trained
 * net, whose eval-mode BNs normalise. IGCV3 needs it in these tests: with identity statistics its
 * untrained activations grow through 32 blocks without an activation after the expansion, and
 * float32 rounding alone then moves the logits by ~5e-4 of their size (onnxruntime's own two
 * optimisation levels disagree by as much), which would hide the comparison.
 */
export function calibrateBatchNorm(model: Module, sample: readonly number[], seed: number): void {
  const bns = model
    .namedModules()
    .map(([, m]) => m)
    .filter((m): m is BatchNorm2d => m instanceof BatchNorm2d);
  const saved = bns.map((b) => b.momentum);
  const writable = (b: BatchNorm2d) => b as unknown as { momentum: number };
  for (const b of bns) writable(b).momentum = 1;
  model.train();
  try {
    const x = tensor(randomBatch(8, sample, seed), [8, ...sample]);
    model.forward(x).dispose();
    x.dispose();
  } finally {
    bns.forEach((b, i) => {
      writable(b).momentum = saved[i]!;
    });
  }
  const rng = new Random(seed);
  for (const b of bns) {
    const n = [b.numFeatures];
    for (const [v, t] of [
      [b.weight, randomUniform(n, { min: 0.5, max: 1.5, rng })],
      [b.bias, randomNormal(n, { std: 0.2, rng })],
    ] as const) {
      v.assign(t);
      t.dispose();
    }
  }
}

/** A seeded batch [n, ...sample] of N(0, 1) values. */
export function randomBatch(n: number, sample: readonly number[], seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n * sample.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** The model's own eval-mode logits for a batch. */
export async function modelLogits(
  model: Module,
  x: Float32Array,
  shape: readonly number[],
): Promise<Float32Array> {
  model.eval();
  const input = tensor(x, [...shape]);
  const y = model.forward(input);
  input.dispose();
  const data = await y.data();
  y.dispose();
  return Float32Array.from(data);
}

/** Runs an ONNX file in onnxruntime (CPU) with graph optimisations on (`all`) or off. */
export async function ortLogits(
  bytes: Uint8Array,
  x: Float32Array,
  shape: readonly number[],
  optimization: 'all' | 'disabled',
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: optimization,
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
  try {
    const out = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', x, [...shape]) });
    const logits = out[OUTPUT_NAME];
    if (!logits) throw new Error(`no '${OUTPUT_NAME}' output`);
    return { data: Float32Array.from(logits.data as Float32Array), dims: logits.dims };
  } finally {
    await session.release();
  }
}

/** max |a − b| / max |b|. */
export function relativeMaxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, Number.MIN_VALUE);
}
