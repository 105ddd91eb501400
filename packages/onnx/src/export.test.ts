import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GlobalAvgPool,
  IGCV2Conv,
  igcv3Block,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  ReLU6,
  Sequential,
  summationFusionIGC,
  xceptionIGC,
} from '@igcnet/layers';
import { createModel } from '@igcnet/models';
import { Random, type Tensor } from '@igcnet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { type IValueInfoProto, onnx } from './proto.js';
import {
  calibrateBatchNorm,
  modelLogits,
  ortLogits,
  randomBatch,
  randomizeBatchNorm,
  relativeMaxDiff,
} from './test_util.js';

/** The bound: max |diff| ≤ 1e-4 · max |logit|. */
const TOLERANCE = 1e-4;

/** One network of each family of the issue, at a small input so the suite runs in seconds. */
const FAMILIES = [
  { family: 'plain IGC', name: 'igc-l4m8-d8', size: 32 },
  { family: '+Ident. IGC', name: 'igc-l24m2-ident-d8', size: 32 },
  { family: 'plain RegConv', name: 'regconv-w16-d8', size: 32 },
  { family: 'RegConv +Ident.', name: 'regconv-w16-ident-d8', size: 32 },
  { family: 'ImageNet stem + max-pool (ResNet-18)', name: 'resnet18', size: 64 },
  { family: 'ImageNet IGC-L4M32+Ident.', name: 'igc-l4m32-ident-imagenet', size: 32 },
  { family: 'IGC-L100M2 L-doubling', name: 'igc-l100m2-ident-imagenet', size: 32 },
  // Every IGCV3 and MobileNetV2 zoo net (ReLU6 as Clip, the permutation, shortcuts, the head;
  // dropout left out), with calibrated BN statistics (see calibrateBatchNorm). ImageNet nets at
  // 32×32: their last map is then 1×1.
  { family: 'IGCV3-D 1.0×', name: 'igcv3-imagenet', size: 32, calibrate: true },
  {
    family: 'IGCV3-D 0.75× (multiplier quirk)',
    name: 'igcv3-imagenet-w0.75',
    size: 32,
    calibrate: true,
  },
  { family: 'IGCV3-D 0.5×', name: 'igcv3-imagenet-w0.5', size: 32, calibrate: true },
  { family: 'IGCV3-D CIFAR 1.0×', name: 'igcv3-cifar', size: 32, calibrate: true },
  { family: 'IGCV3-D CIFAR 0.7×', name: 'igcv3-cifar-w0.7', size: 32, calibrate: true },
  { family: 'IGCV3-D CIFAR 0.5×', name: 'igcv3-cifar-w0.5', size: 32, calibrate: true },
  { family: 'MobileNetV2', name: 'mobilenetv2-imagenet', size: 32, calibrate: true },
  { family: 'MobileNetV2 CIFAR', name: 'mobilenetv2-cifar', size: 32, calibrate: true },
] as const;

const measured: string[] = [];
afterAll(() => {
  // The measured differences, for the record (vitest prints console output of the run).
  if (measured.length > 0) console.info(`max |diff| / max |logit|:\n${measured.join('\n')}`);
});

describe('exportOnnx against onnxruntime', () => {
  for (const f of FAMILIES) {
    const { family, name, size } = f;
    it(`${family} (${name}): logits match with graph optimisations on and off`, async () => {
      const model = createModel(name, { numClasses: 10, seed: 7 });
      try {
        const sample = [3, size, size] as const;
        if ('calibrate' in f) calibrateBatchNorm(model, sample, 11);
        else randomizeBatchNorm(model, 11);
        const bytes = await exportOnnx(model, { modelName: name, inputShape: sample });
        const shape = [2, ...sample];
        const x = randomBatch(2, sample, 5);
        const ref = await modelLogits(model, x, shape);
        const diffs: string[] = [];
        for (const level of ['all', 'disabled'] as const) {
          const got = await ortLogits(bytes, x, shape, level);
          expect(got.dims).toEqual([2, 10]);
          const rel = relativeMaxDiff(got.data, ref);
          diffs.push(`${level} ${rel.toExponential(2)}`);
          expect(rel).toBeLessThanOrEqual(TOLERANCE);
        }
        measured.push(`  ${name}: ${diffs.join(', ')} (${(bytes.length / 1e6).toFixed(2)} MB)`);
      } finally {
        model.dispose();
      }
    });
  }

  it('keeps the batch dimension dynamic', async () => {
    const model = createModel('igc-l24m2-ident-d8', { seed: 3 });
    randomizeBatchNorm(model, 4);
    const sample = [3, 32, 32] as const;
    const bytes = await exportOnnx(model, { modelName: 'igc-l24m2-ident-d8', inputShape: sample });
    for (const n of [1, 3]) {
      const x = randomBatch(n, sample, n);
      const ref = await modelLogits(model, x, [n, ...sample]);
      const got = await ortLogits(bytes, x, [n, ...sample], 'all');
      expect(got.dims).toEqual([n, 10]);
      expect(relativeMaxDiff(got.data, ref)).toBeLessThanOrEqual(TOLERANCE);
    }
    model.dispose();
  });

  it('with dynamicSize runs at other heights and widths than it was traced at', async () => {
    for (const [name, traced, sizes] of [
      [
        'igc-l24m2-ident-d8',
        32,
        [
          [24, 24],
          [40, 36],
          [17, 23],
        ],
      ],
      [
        'igc-l4m8-d8',
        32,
        [
          [16, 16],
          [33, 31],
        ],
      ],
      [
        'resnet18',
        64,
        [
          [48, 48],
          [65, 80],
        ],
      ],
      [
        'igcv3-cifar-w0.5',
        32,
        [
          [24, 24],
          [40, 36],
        ],
      ],
    ] as const) {
      const model = createModel(name, { numClasses: 10, seed: 5 });
      try {
        const sample = [3, traced, traced] as const;
        if (name.startsWith('igcv3')) calibrateBatchNorm(model, sample, 6);
        else randomizeBatchNorm(model, 6);
        const bytes = await exportOnnx(model, {
          modelName: name,
          inputShape: sample,
          dynamicSize: true,
        });
        const input = onnx.ModelProto.decode(bytes).graph!.input![0]!;
        const dims = input.type!.tensorType!.shape!.dim!.map(
          (d) => d.dimParam || Number(d.dimValue),
        );
        expect(dims).toEqual(['batch', 3, 'height', 'width']);
        for (const [h, w] of sizes) {
          const shape = [2, 3, h, w];
          const x = randomBatch(2, [3, h, w], h * w);
          const ref = await modelLogits(model, x, shape);
          const got = await ortLogits(bytes, x, shape, 'all');
          expect(got.dims).toEqual([2, 10]);
          expect(relativeMaxDiff(got.data, ref), `${name} at ${h}×${w}`).toBeLessThanOrEqual(
            TOLERANCE,
          );
        }
      } finally {
        model.dispose();
      }
    }
  });

  it('refuses dynamicSize where the structure depends on the size', async () => {
    const flat = new Sequential(
      new Conv2d(2, 4, { kernelSize: 3 }),
      new Flatten(),
      new Linear(16, 3),
    );
    await expect(
      exportOnnx(flat, { modelName: 'flat', inputShape: [2, 4, 4], dynamicSize: true }),
    ).rejects.toThrow(
      "ONNX export: '1' flattens a [4,2,2] map, so the layers after it depend on the input size",
    );
    // The same model exports at its fixed size.
    expect(
      (await exportOnnx(flat, { modelName: 'flat', inputShape: [2, 4, 4] })).length,
    ).toBeGreaterThan(0);
    const same = new Sequential(new Conv2d(2, 4, { kernelSize: 3, stride: 2, padding: 'same' }));
    await expect(
      exportOnnx(same, { modelName: 'same', inputShape: [2, 8, 8], dynamicSize: true }),
    ).rejects.toThrow("ONNX export: the padding of '0' depends on the input size");
    // 'same' with stride 1 pads the same at every size.
    const same1 = new Sequential(
      new Conv2d(2, 4, { kernelSize: 3, padding: 'same' }),
      new GlobalAvgPool(),
      new Flatten(),
      new Linear(4, 3),
    );
    expect(
      (await exportOnnx(same1, { modelName: 'same1', inputShape: [2, 8, 8], dynamicSize: true }))
        .length,
    ).toBeGreaterThan(0);
    for (const m of [flat, same, same1]) m.dispose();
  });

  it('exports layers outside the zoo: summation fusion, Xception, bias, asymmetric pads, average pool', async () => {
    const rng = new Random(21);
    const model = new Sequential(
      new Conv2d(2, 8, { kernelSize: 3, stride: 2, padding: 'same', bias: true, rng }),
      new BatchNorm2d(8, { eps: 1e-3 }),
      new ReLU(),
      summationFusionIGC(8, 8, 2, { rng }),
      xceptionIGC(8, { rng }),
      new MaxPool2d({ kernelSize: 3, stride: 2, padding: [1, 0, 1, 0] }),
      new AvgPool2d({ kernelSize: 2, padding: 1 }),
      new GlobalAvgPool(),
      new Flatten(),
      new Linear(8, 5, { bias: false, rng }),
    );
    randomizeBatchNorm(model, 22);
    const sample = [2, 9, 10] as const;
    const bytes = await exportOnnx(model, { modelName: 'custom', inputShape: sample });
    const x = randomBatch(3, sample, 23);
    const ref = await modelLogits(model, x, [3, ...sample]);
    for (const level of ['all', 'disabled'] as const) {
      const got = await ortLogits(bytes, x, [3, ...sample], level);
      expect(got.dims).toEqual([3, 5]);
      expect(relativeMaxDiff(got.data, ref)).toBeLessThanOrEqual(TOLERANCE);
    }
    model.dispose();
  });

  it("exports the IGC family's other forms: the IGCV2 block, IGCV3's second permutation, ReLU6", async () => {
    const rng = new Random(31);
    const blocks = new Sequential(
      new Conv2d(3, 12, { kernelSize: 3, padding: 1, rng }),
      new IGCV2Conv(12, { groupSizes: [2, 3, 2], rng }),
      new BatchNorm2d(12),
      new ReLU6(),
      igcv3Block(12, 12, { expandedChannels: 36, shortcut: true, secondPermutation: true, rng }),
      new GlobalAvgPool(),
      new Flatten(),
      new Dropout(0.5, { rng }),
      new Linear(12, 4, { rng }),
    );
    randomizeBatchNorm(blocks, 32);
    const sample = [3, 8, 8] as const;
    const bytes = await exportOnnx(blocks, { modelName: 'family', inputShape: sample });
    const ops = onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType);
    expect(ops).toContain('Clip');
    expect(ops).not.toContain('Dropout');
    const x = randomBatch(2, sample, 33);
    const ref = await modelLogits(blocks, x, [2, ...sample]);
    for (const level of ['all', 'disabled'] as const) {
      const got = await ortLogits(bytes, x, [2, ...sample], level);
      expect(relativeMaxDiff(got.data, ref)).toBeLessThanOrEqual(TOLERANCE);
    }
    blocks.dispose();
  });
});

describe('the ONNX file', () => {
  it('has opset 17, named inputs and outputs with a symbolic batch, metadata and standard ops', async () => {
    const model = createModel('igc-l4m8-d8', { seed: 1 });
    const normalization = { mean: [125.3, 123, 113.9], std: [63, 62.1, 66.7] };
    const bytes = await exportOnnx(model, {
      modelName: 'igc-l4m8-d8',
      inputShape: [3, 32, 32],
      dataset: 'cifar10',
      normalization,
    });
    model.dispose();
    const proto = onnx.ModelProto.decode(bytes);
    expect(Number(proto.irVersion)).toBe(8);
    expect(proto.producerName).toBe('igcnet');
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const dims = (v: IValueInfoProto | undefined): (string | number)[] =>
      (v?.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
    expect(proto.graph?.input?.map((v) => v.name)).toEqual(['input']);
    expect(dims(proto.graph?.input?.[0])).toEqual(['batch', 3, 32, 32]);
    expect(proto.graph?.output?.map((v) => v.name)).toEqual(['logits']);
    expect(dims(proto.graph?.output?.[0])).toEqual(['batch', 10]);
    const meta = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({ model: 'igc-l4m8-d8', dataset: 'cifar10' });
    expect(JSON.parse(meta.normalization ?? '')).toEqual(normalization);
    const ops = new Set(proto.graph?.node?.map((n) => n.opType));
    expect([...ops].sort()).toEqual(
      [
        'BatchNormalization',
        'Conv',
        'Flatten',
        'Gemm',
        'GlobalAveragePool',
        'Relu',
        'Reshape',
        'Transpose',
      ].sort(),
    );
    const grouped = proto.graph?.node?.filter(
      (n) =>
        n.opType === 'Conv' && n.attribute?.some((a) => a.name === 'group' && Number(a.i) === 4),
    );
    expect(grouped?.length).toBeGreaterThan(0);
  });

  it('rejects an opset before 17, a bad input shape and a module it does not know', async () => {
    const model = createModel('igc-l4m8-d8', { init: 'zeros' });
    await expect(
      exportOnnx(model, { modelName: 'm', inputShape: [3, 32, 32], opset: 13 }),
    ).rejects.toThrow(/opset must be an integer ≥ 17/);
    await expect(
      exportOnnx(model, {
        modelName: 'm',
        inputShape: [3, 32, 32],
        normalization: { mean: [0], std: [1] },
      }),
    ).rejects.toThrow(/1 means and 1 stds for 3 input channels/);
    model.dispose();
    class Mystery extends Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const odd = new Sequential(new ReLU(), new Mystery());
    await expect(exportOnnx(odd, { modelName: 'm', inputShape: [1, 2, 2] })).rejects.toThrow(
      /no ONNX form for Mystery at '1'/,
    );
  });
});
