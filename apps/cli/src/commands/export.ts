import { resolve } from 'node:path';
import { NORMALIZATION } from '@igcnet/datasets';
import { createModel, modelEntry } from '@igcnet/models';
import {
  BATCH_DIM,
  type ChannelStats,
  DEFAULT_OPSET,
  type ExportOptions,
  exportCheckpointToOnnx,
  INPUT_NAME,
  inputDims,
  OUTPUT_NAME,
  writeOnnx,
} from '@igcnet/onnx';
import { type Command, flag, type ParsedArgs, stringOption, UsageError } from '../command.js';
import { numeric, rangeNote } from './numeric-options.js';

/** What `igc export --json` prints. */
interface ExportReport {
  onnx: string;
  model: string;
  opset: number;
  bytes: number;
  inputs: { name: string; shape: (string | number)[] }[];
  outputs: { name: string; shape: (string | number)[] }[];
  dataset?: string;
  normalization?: ChannelStats;
}

/** Normalisation of a known dataset, when its channel count fits the model's input. */
function statsFor(dataset: string | undefined, channels: number): ChannelStats | undefined {
  if (dataset === undefined || !Object.hasOwn(NORMALIZATION, dataset)) return undefined;
  const stats = NORMALIZATION[dataset as keyof typeof NORMALIZATION];
  return stats.mean.length === channels ? stats : undefined;
}

function report(onnx: string, bytes: number, opts: ExportOptions, classes: number): ExportReport {
  return {
    onnx,
    model: opts.modelName,
    opset: opts.opset ?? DEFAULT_OPSET,
    bytes,
    inputs: [{ name: INPUT_NAME, shape: inputDims(opts) }],
    outputs: [{ name: OUTPUT_NAME, shape: [BATCH_DIM, classes] }],
    ...(opts.dataset !== undefined ? { dataset: opts.dataset } : {}),
    ...(opts.normalization ? { normalization: opts.normalization } : {}),
  };
}

async function fromModel(args: ParsedArgs, name: string, out: string): Promise<ExportReport> {
  const entry = modelEntry(name);
  const numClasses = numeric(args, 'num-classes') ?? entry.numClasses;
  const inChannels = numeric(args, 'in-channels') ?? 3;
  const size = numeric(args, 'input-size') ?? entry.inputShape[1];
  const seed = numeric(args, 'seed') ?? 0;
  const opset = numeric(args, 'opset');
  const dataset =
    stringOption(args, 'dataset') ?? (entry.dataset === 'cifar' ? 'cifar10' : 'imagenet');
  const normalization = statsFor(dataset, inChannels);
  const model = createModel(name, { numClasses, inChannels, seed });
  try {
    const opts: ExportOptions = {
      modelName: name,
      inputShape: [inChannels, size, size],
      dataset,
      ...(normalization ? { normalization } : {}),
      ...(opset !== undefined ? { opset } : {}),
      ...(flag(args, 'dynamic-size') ? { dynamicSize: true } : {}),
      metadata: { seed: String(seed), weights: 'initial' },
    };
    const bytes = await writeOnnx(out, model, opts);
    return report(out, bytes, opts, numClasses);
  } finally {
    model.dispose();
  }
}

async function fromCheckpoint(args: ParsedArgs, path: string, out: string): Promise<ExportReport> {
  for (const o of ['seed', 'num-classes', 'in-channels'])
    if (stringOption(args, o) !== undefined)
      throw new UsageError(`--${o} comes from the checkpoint; it only applies with --model`);
  const dataset = stringOption(args, 'dataset');
  const size = numeric(args, 'input-size');
  const opset = numeric(args, 'opset');
  const r = await exportCheckpointToOnnx(path, out, {
    ...(dataset !== undefined ? { dataset } : {}),
    normalizations: NORMALIZATION,
    ...(size !== undefined ? { inputSize: size } : {}),
    ...(opset !== undefined ? { opset } : {}),
    ...(flag(args, 'dynamic-size') ? { dynamicSize: true } : {}),
  });
  return report(out, r.bytes, r.options, r.numClasses);
}

function text(r: ExportReport): string {
  const shape = (s: (string | number)[]): string => `[${s.join(', ')}]`;
  const lines = [
    `wrote ${r.onnx} (${(r.bytes / 1e6).toFixed(2)} MB): ${r.model}, ONNX opset ${r.opset}`,
    `  ${r.inputs.map((v) => `${v.name} ${shape(v.shape)}`).join(', ')} → ${r.outputs.map((v) => `${v.name} ${shape(v.shape)}`).join(', ')}`,
  ];
  if (r.dataset !== undefined) lines.push(`  dataset ${r.dataset}`);
  if (r.normalization)
    lines.push(
      `  normalisation mean ${shape([...r.normalization.mean])}, std ${shape([...r.normalization.std])}`,
    );
  return lines.join('\n');
}

/** `igc export`. */
export const exportCommand: Command = {
  path: ['export'],
  summary: 'Export a checkpoint or a freshly initialised zoo model as an ONNX file',
  usage: '(--checkpoint FILE | --model NAME) --onnx FILE [options] [--json]',
  help: [
    'Options:',
    '  --checkpoint FILE  a checkpoint written by igc train; the model, classes and input',
    '                     channels come from its metadata, every tensor is checked first',
    '  --model NAME       a zoo model (see "igc models"), freshly initialised',
    '  --onnx FILE        where to write the ONNX file (written atomically; nothing on error)',
    `  --seed S           ${rangeNote('seed')} initialisation seed, with --model (default 0)`,
    `  --num-classes N    ${rangeNote('num-classes')} classifier outputs, with --model (default 10 or 1000)`,
    `  --in-channels C    ${rangeNote('in-channels')} input channels, with --model (default 3)`,
    `  --input-size H     ${rangeNote('input-size')} input height = width (default 32 for CIFAR/SVHN nets, 224 for ImageNet)`,
    '  --dynamic-size     symbolic height and width: the graph runs at any input size (it is',
    '                     traced and checked at --input-size)',
    '  --dataset NAME     dataset for the metadata (cifar10, cifar100, svhn, imagenet, …); with',
    '                     --model it defaults to cifar10 or imagenet, with --checkpoint to the',
    "                     checkpoint's own; its normalisation is recorded too",
    `  --opset N          ONNX opset, ${DEFAULT_OPSET} or later (default ${DEFAULT_OPSET})`,
    '  --json             print {"onnx", "model", "opset", "bytes", "inputs", "outputs", …}',
    '',
    'The graph takes "input" [batch, C, H, W] (batch is dynamic; H and W too with',
    '--dynamic-size) and gives "logits"',
    '[batch, classes]; BN is exported in eval mode with its running statistics.',
    '',
    'Examples:',
    '  igc export --checkpoint runs/igc-l24m2/checkpoint.safetensors --onnx model.onnx',
    '  igc export --model igc-l24m2-ident-d20 --seed 1 --onnx igc.onnx --json',
  ].join('\n'),
  options: {
    checkpoint: { type: 'string' },
    model: { type: 'string' },
    onnx: { type: 'string' },
    seed: { type: 'string' },
    'num-classes': { type: 'string' },
    'in-channels': { type: 'string' },
    'input-size': { type: 'string' },
    'dynamic-size': { type: 'boolean' },
    dataset: { type: 'string' },
    opset: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const checkpoint = stringOption(args, 'checkpoint');
    const model = stringOption(args, 'model');
    const onnx = stringOption(args, 'onnx');
    if ((checkpoint === undefined) === (model === undefined))
      throw new UsageError('give exactly one of --checkpoint FILE and --model NAME');
    if (onnx === undefined) throw new UsageError('--onnx FILE is required');
    const out = resolve(io.cwd, onnx);
    const r =
      checkpoint !== undefined
        ? await fromCheckpoint(args, resolve(io.cwd, checkpoint), out)
        : await fromModel(args, model!, out);
    if (checkpoint !== undefined && r.dataset === undefined)
      io.err('warning: the checkpoint names no dataset; pass --dataset to record it');
    io.out(flag(args, 'json') ? JSON.stringify(r) : text(r));
    return 0;
  },
};
