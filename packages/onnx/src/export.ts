import type { Module } from '@igcnet/layers';
import { emitModule } from './emit.js';
import { GraphBuilder } from './graph.js';
import { DEFAULT_OPSET, IR_VERSION, type IValueInfoProto, type ModelProto, onnx } from './proto.js';

/** Per-channel input normalisation, (x − mean[c]) / std[c], as the datasets package's. */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Options of {@link exportOnnx}. */
export interface ExportOptions {
  /** Zoo name of the model, e.g. `igc-l24m2-ident-d20`; the graph's name and metadata `model`. */
  modelName: string;
  /**
   * Per-sample input shape [C, H, W]; the batch axis is added as the symbolic dim `batch`. With
   * `dynamicSize`, H and W are the size the graph is traced and checked at.
   */
  inputShape: readonly [number, number, number];
  /**
   * Symbolic height and width (`height`, `width`), so the graph runs at any input size the model
   * accepts. Refused for a model whose structure depends on the size (a Flatten of a spatial
   * map, 'same' padding with a stride). Defaults to false.
   */
  dynamicSize?: boolean;
  /** Dataset the weights were trained on (metadata `dataset`), e.g. `cifar10`. */
  dataset?: string;
  /** Input normalisation the model expects (metadata `normalization`, JSON {mean, std}). */
  normalization?: ChannelStats;
  /** Opset of the default domain; 17 (the default) or later. */
  opset?: number;
  /** Further metadata_props entries (string values). */
  metadata?: Readonly<Record<string, string>>;
}

/** Name of the graph input: float32 [batch, C, H, W]. */
export const INPUT_NAME = 'input';
/** Name of the graph output: float32 [batch, numClasses]. */
export const OUTPUT_NAME = 'logits';
/** Symbolic name of the batch dimension. */
export const BATCH_DIM = 'batch';
/** Symbolic names of the height and width with `dynamicSize`. */
export const HEIGHT_DIM = 'height';
export const WIDTH_DIM = 'width';

/** The graph input's dims: [batch, C, H, W], H and W symbolic with `dynamicSize`. */
export function inputDims(opts: ExportOptions): (number | string)[] {
  const [c, h, w] = opts.inputShape;
  return opts.dynamicSize ? [BATCH_DIM, c, HEIGHT_DIM, WIDTH_DIM] : [BATCH_DIM, c, h, w];
}

function valueInfo(name: string, dims: readonly (number | string)[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

function checkOptions(opts: ExportOptions): number {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < 17)
    throw new Error(`ONNX export: opset must be an integer ≥ 17, got ${opset}`);
  if (opts.inputShape.length !== 3 || !opts.inputShape.every((d) => Number.isInteger(d) && d > 0))
    throw new Error(
      `ONNX export: inputShape must be [C, H, W], got [${opts.inputShape.join(',')}]`,
    );
  const n = opts.normalization;
  const c = opts.inputShape[0];
  if (n && (n.mean.length !== c || n.std.length !== c)) {
    throw new Error(
      `ONNX export: normalization has ${n.mean.length} means and ${n.std.length} stds for ${c} input channels`,
    );
  }
  return opset;
}

/**
 * Builds the ONNX `ModelProto` of `model` in eval mode (BN with running statistics): input
 * `input` [batch, C, H, W], output `logits` [batch, classes], weights as float32 initializers.
 * Reads the weights from the backend, hence async.
 */
export async function buildOnnxModel(model: Module, opts: ExportOptions): Promise<ModelProto> {
  const opset = checkOptions(opts);
  const g = new GraphBuilder(opts.dynamicSize === true);
  g.reserve(INPUT_NAME);
  g.reserve(OUTPUT_NAME);
  const out = await emitModule(g, model, { name: INPUT_NAME, shape: [...opts.inputShape] }, '');
  if (out.shape.length !== 1)
    throw new Error(`ONNX export: the model gives [${out.shape.join(',')}] per sample, not logits`);
  const last = g.nodes.at(-1);
  if (!last || last.output?.[0] !== out.name)
    throw new Error('ONNX export: the model output is not computed by its last node');
  last.output = [OUTPUT_NAME];

  const metadata: Record<string, string> = { model: opts.modelName, ...(opts.metadata ?? {}) };
  if (opts.dataset !== undefined) metadata.dataset = opts.dataset;
  if (opts.normalization) {
    metadata.normalization = JSON.stringify({
      mean: [...opts.normalization.mean],
      std: [...opts.normalization.std],
    });
  }
  metadata.input_shape = JSON.stringify(inputDims(opts));

  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'igcnet',
    producerVersion: '0.1.0',
    modelVersion: 1,
    docString: `${opts.modelName} exported by igcnet`,
    graph: {
      name: opts.modelName,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(INPUT_NAME, inputDims(opts))],
      output: [valueInfo(OUTPUT_NAME, [BATCH_DIM, out.shape[0]!])],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}

/**
 * Serialises `model` as an ONNX file (opset 17 by default, IR version 8): Conv with `group`,
 * the interleave as Reshape → Transpose → Reshape, BatchNormalization, Relu, Clip (ReLU6), Add,
 * MaxPool / AveragePool / GlobalAveragePool, Flatten and Gemm; dropout is left out (eval mode). The batch size is dynamic, and with
 * `dynamicSize` the height and width too.
 */
export async function exportOnnx(model: Module, opts: ExportOptions): Promise<Uint8Array> {
  const proto = await buildOnnxModel(model, opts);
  return onnx.ModelProto.encode(proto).finish();
}
