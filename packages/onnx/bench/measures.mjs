// The timed steps of the network benchmark. Each `prepare…` returns { run(): Promise<ms>,
// dispose() }: run does one step and returns its milliseconds.
import ort from 'onnxruntime-node';

/** A network of the zoo at a per-sample input shape. */
export function netSpec(model, shape, numClasses = 10) {
  return { model, shape, numClasses };
}

function inputs(tree, spec, batch) {
  const { tidy, randomNormal, randomUniform, cast } = tree.tensor;
  const x = tidy(() => randomNormal([batch, ...spec.shape], { seed: 6 }));
  const labels = tidy(() =>
    cast(randomUniform([batch], { seed: 7, min: 0, max: spec.numClasses }), 'int32'),
  );
  return { x, labels };
}

/** The zoo net of `spec` from this tree, seed 1 (ours and the baseline build the same weights). */
export function createNet(tree, spec) {
  return tree.models.createModel(spec.model, {
    seed: 1,
    inChannels: spec.shape[0],
    numClasses: spec.numClasses,
  });
}

/**
 * One training step as `igc train` runs it (trainer/src/loop/fit.ts): forward, mean
 * cross-entropy, backward, then the trainer's SGD (Nesterov momentum 0.9, weight decay 1e-4) on
 * the fused update kernel; the loss is read back, which waits for the step.
 */
export function prepareTrain(tree, spec, batch) {
  const { tidy, valueAndGrads, softmaxCrossEntropy } = tree.tensor;
  const net = createNet(tree, spec);
  net.train();
  const params = net.parameters();
  const optimizer = new tree.trainer.SGD(net.namedParameters(), {
    lr: 0.01,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 1e-4,
  });
  const { x, labels } = inputs(tree, spec, batch);
  return {
    async run() {
      const t0 = performance.now();
      const loss = tidy(() => {
        const { value, grads } = valueAndGrads(
          () => softmaxCrossEntropy(net.forward(x), labels),
          params,
        );
        optimizer.step(grads);
        return value;
      });
      await loss.data();
      loss.dispose();
      return performance.now() - t0;
    },
    dispose() {
      optimizer.dispose();
      x.dispose();
      labels.dispose();
      net.dispose();
    },
  };
}

/** One eval-mode forward (running BN statistics, so every conv → BN → ReLU is a fused conv). */
export function prepareInfer(tree, spec, batch) {
  const net = createNet(tree, spec);
  net.eval();
  return prepareForward(tree, net, inputs(tree, spec, batch).x);
}

/** Times `module.forward(x)` until its result is read back. */
export function prepareForward(tree, module, x, disposeAll = true) {
  return {
    async run() {
      const t0 = performance.now();
      const y = tree.tensor.tidy(() => module.forward(x));
      await y.data();
      y.dispose();
      return performance.now() - t0;
    },
    dispose() {
      if (!disposeAll) return;
      x.dispose();
      module.dispose();
    },
  };
}

/** The bytes of `module` exported by this tree's @igcnet/onnx (eval mode). */
export async function exportModel(tree, module, name, shape) {
  module.eval();
  return tree.onnx.exportOnnx(module, { modelName: name, inputShape: shape });
}

/**
 * onnxruntime on the export of `spec`'s net (or of W3's module when `spec` is 'W3'), on the
 * same batch size.
 */
export async function prepareOrtOf(tree, spec, batch, threads) {
  const module = spec === 'W3' ? w3Module(tree) : createNet(tree, spec);
  const shape = spec === 'W3' ? [64, 32, 32] : spec.shape;
  const bytes = await exportModel(tree, module, spec === 'W3' ? 'w3' : spec.model, shape);
  module.dispose();
  const input = new Float32Array(batch * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.37);
  return prepareOrt(bytes, input, [batch, ...shape], threads);
}

/**
 * onnxruntime-node (CPU execution provider, all graph optimisations) on an exported model, with
 * `threads` intra-op threads (0: its default), on the same input values as ours. Its threads do
 * not spin between runs: spinning threads would take the cores from the step timed after them
 * (measured: identical code timed 1.5× slower when it followed an onnxruntime run).
 */
export async function prepareOrt(bytes, input, dims, threads) {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, dims) };
  return {
    async run() {
      const t0 = performance.now();
      await session.run(feeds);
      return performance.now() - t0;
    },
    async dispose() {
      await session.release();
    },
  };
}

/**
 * W3 of the kernel benchmark as a model both sides can run: a regular 3×3 conv 64→64 (pad 1, no
 * bias) on [batch, 64, 32, 32], flattened (a free reshape) so the exporter takes it.
 */
export function w3Module(tree) {
  const { Sequential, Conv2d, Flatten } = tree.layers;
  const rng = new tree.tensor.Random(5);
  return new Sequential(
    ['conv', new Conv2d(64, 64, { kernelSize: 3, padding: 1, bias: false, rng })],
    ['flatten', new Flatten()],
  );
}

/** FLOPs of W3 at a batch (2 per multiply-add). */
export function w3Flops(batch) {
  return 2 * batch * 32 * 32 * 64 * 64 * 9;
}
