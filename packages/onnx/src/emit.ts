import {
  AvgPool2d,
  BasicBlock,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GlobalAvgPool,
  IGCConv,
  IGCV2Conv,
  Interleave,
  InvertedResidual,
  Linear,
  MaxPool2d,
  type Module,
  Projection,
  paddingOf,
  ReLU,
  ReLU6,
  Sequential,
} from '@igcnet/layers';
import { Network, Stage } from '@igcnet/models';
import type { Shape, Variable } from '@igcnet/tensor';
import type { GraphBuilder } from './graph.js';

/** A value of the graph being built: its name and its per-sample shape (no batch axis). */
export interface Value {
  name: string;
  shape: Shape;
}

async function floats(v: Variable, path: string): Promise<Float32Array> {
  if (v.dtype !== 'float32')
    throw new Error(`ONNX export: '${path}' is ${v.dtype}; only float32 weights are exported`);
  const data = await v.data();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * ONNX `pads` [top, left, bottom, right] of a window op on a [C, H, W] input. With a symbolic
 * input size the pads must be the same at every size ('same' padding with a stride is not).
 */
function onnxPads(
  g: GraphBuilder,
  m: { padding: Conv2d['padding']; kernelSize: [number, number]; stride: [number, number] },
  input: Shape,
  path: string,
  dilation: [number, number] = [1, 1],
): number[] {
  const at = (h: number, w: number): number[] => {
    const [t, b, l, r] = paddingOf(m.padding, h, w, m.kernelSize, m.stride, dilation);
    return [t, l, b, r];
  };
  const pads = at(input[1]!, input[2]!);
  if (g.dynamicSize) {
    for (const [dh, dw] of [
      [1, 1],
      [2, 3],
      [3, 2],
    ] as const) {
      if (at(input[1]! + dh, input[2]! + dw).join() !== pads.join())
        throw new Error(
          `ONNX export: the padding of '${path}' depends on the input size ('same' with stride ${m.stride.join('×')}), so it cannot be exported with a dynamic size; export at a fixed size`,
        );
    }
  }
  return pads;
}

async function conv(g: GraphBuilder, m: Conv2d, x: Value, path: string): Promise<Value> {
  const inputs = [
    x.name,
    g.float32(join(path, 'weight'), await floats(m.weight, path), m.weight.shape),
  ];
  if (m.bias) inputs.push(g.float32(join(path, 'bias'), await floats(m.bias, path), m.bias.shape));
  const name = g.node('Conv', inputs, path, {
    group: m.groups,
    kernel_shape: m.kernelSize,
    strides: m.stride,
    dilations: m.dilation,
    pads: onnxPads(g, m, x.shape, path, m.dilation),
  });
  return { name, shape: m.outputShape(x.shape) };
}

async function batchNorm(g: GraphBuilder, m: BatchNorm2d, x: Value, path: string): Promise<Value> {
  // Eval-mode BN (training_mode = 0, the default): (x − running_mean) / √(running_var + eps) · γ + β.
  const inputs = [
    x.name,
    g.float32(join(path, 'weight'), await floats(m.weight, path), m.weight.shape),
    g.float32(join(path, 'bias'), await floats(m.bias, path), m.bias.shape),
    g.float32(join(path, 'running_mean'), await floats(m.runningMean, path), m.runningMean.shape),
    g.float32(join(path, 'running_var'), await floats(m.runningVar, path), m.runningVar.shape),
  ];
  const name = g.node('BatchNormalization', inputs, path, { epsilon: { float: m.eps } });
  return { name, shape: m.outputShape(x.shape) };
}

/**
 * The channel permutation l·M + m ↦ m·G + l of `Interleave(G)` as Reshape [N, G, C/G, H·W] →
 * Transpose (swap the two channel axes) → Reshape [N, C, H, W]. The batch size is copied from
 * the input (shape entry 0), so it stays dynamic; with a dynamic size, H·W is inferred (−1) and
 * the final shape is the input's own (`Shape`).
 */
function interleave(g: GraphBuilder, m: Interleave, x: Value, path: string): Value {
  const [c, h, w] = x.shape as [number, number, number];
  m.outputShape(x.shape); // checks that C splits into the groups
  const split = g.node(
    'Reshape',
    [x.name, g.int64([0, m.groups, c / m.groups, g.dynamicSize ? -1 : h * w])],
    join(path, 'split'),
  );
  const swap = g.node('Transpose', [split], join(path, 'transpose'), { perm: [0, 2, 1, 3] });
  const back = g.dynamicSize
    ? g.node('Shape', [x.name], join(path, 'shape'))
    : g.int64([0, c, h, w]);
  const name = g.node('Reshape', [swap, back], path);
  return { name, shape: x.shape };
}

/** Flatten to [N, C·H·W]; with a dynamic size only a 1×1 map, or the classifier would depend on it. */
function flatten(g: GraphBuilder, m: Flatten, x: Value, path: string): Value {
  if (g.dynamicSize && x.shape.slice(1).some((d) => d !== 1))
    throw new Error(
      `ONNX export: '${path}' flattens a [${x.shape.join(',')}] map, so the layers after it depend on the input size; export at a fixed size`,
    );
  return { name: g.node('Flatten', [x.name], path, { axis: 1 }), shape: m.outputShape(x.shape) };
}

async function linear(g: GraphBuilder, m: Linear, x: Value, path: string): Promise<Value> {
  const inputs = [
    x.name,
    g.float32(join(path, 'weight'), await floats(m.weight, path), m.weight.shape),
  ];
  if (m.bias) inputs.push(g.float32(join(path, 'bias'), await floats(m.bias, path), m.bias.shape));
  const name = g.node('Gemm', inputs, path, { transB: 1 });
  return { name, shape: m.outputShape(x.shape) };
}

function pool(g: GraphBuilder, m: MaxPool2d | AvgPool2d, x: Value, path: string): Value {
  const attrs = {
    kernel_shape: m.kernelSize,
    strides: m.stride,
    pads: onnxPads(g, m, x.shape, path),
    // The tensor package's average pool counts padded cells in the divisor, as PyTorch.
    ...(m instanceof AvgPool2d ? { count_include_pad: 1 } : {}),
  };
  const name = g.node(m instanceof MaxPool2d ? 'MaxPool' : 'AveragePool', [x.name], path, attrs);
  return { name, shape: m.outputShape(x.shape) };
}

async function chain(g: GraphBuilder, m: Module, x: Value, path: string): Promise<Value> {
  let y = x;
  for (const [name, child] of m.namedChildren())
    y = await emitModule(g, child, y, join(path, name));
  return y;
}

/** ReLU(shortcut(x) + BN2(U2(ReLU(BN1(U1(x)))))), as `BasicBlock.forward`. */
async function basicBlock(g: GraphBuilder, m: BasicBlock, x: Value, path: string): Promise<Value> {
  let y = await emitModule(g, m.conv1, x, join(path, 'conv1'));
  y = await emitModule(g, m.bn1, y, join(path, 'bn1'));
  y = await emitModule(g, m.relu, y, join(path, 'relu'));
  y = await emitModule(g, m.conv2, y, join(path, 'conv2'));
  y = await emitModule(g, m.bn2, y, join(path, 'bn2'));
  const sc = m.shortcut ? await emitModule(g, m.shortcut, x, join(path, 'shortcut')) : x;
  const sum = g.node('Add', [y.name, sc.name], join(path, 'add'));
  return { name: g.node('Relu', [sum], join(path, 'out')), shape: y.shape };
}

/** x + (the block's chain of children) when it has a shortcut, else the chain. */
async function invertedResidual(
  g: GraphBuilder,
  m: InvertedResidual,
  x: Value,
  path: string,
): Promise<Value> {
  const y = await chain(g, m, x, path);
  if (!m.hasShortcut) return y;
  return { name: g.node('Add', [x.name, y.name], join(path, 'add')), shape: y.shape };
}

/** ReLU6 as ONNX `Clip` with its bounds as (shared) scalar initializers. */
function relu6(g: GraphBuilder, x: Value, path: string): Value {
  const lo = g.float32Scalar(0);
  const hi = g.float32Scalar(6);
  return { name: g.node('Clip', [x.name, lo, hi], path), shape: x.shape };
}

/**
 * Emits the ONNX nodes of `m` applied to `x` and returns the output value. Known layer classes
 * are matched with `instanceof`; containers whose forward is a chain of their children
 * (Sequential, Stage, Network, Projection, IGCConv, IGCV2Conv) are walked in registration order,
 * an `InvertedResidual` too, plus its shortcut's `Add`. Any
 * other module is an error that names it: export never guesses what a forward does.
 */
export async function emitModule(
  g: GraphBuilder,
  m: Module,
  x: Value,
  path: string,
): Promise<Value> {
  // Leaves. Conv2d covers PrimaryGroupConv, SecondaryGroupConv and fixed (buffer) kernels.
  if (m instanceof Conv2d) return conv(g, m, x, path);
  if (m instanceof BatchNorm2d) return batchNorm(g, m, x, path);
  if (m instanceof ReLU) return { name: g.node('Relu', [x.name], path), shape: x.shape };
  if (m instanceof ReLU6) return relu6(g, x, path);
  // Inference graph: dropout is the identity.
  if (m instanceof Dropout) return x;
  if (m instanceof Interleave) return interleave(g, m, x, path);
  if (m instanceof MaxPool2d || m instanceof AvgPool2d) return pool(g, m, x, path);
  if (m instanceof GlobalAvgPool)
    return { name: g.node('GlobalAveragePool', [x.name], path), shape: m.outputShape(x.shape) };
  if (m instanceof Flatten) return flatten(g, m, x, path);
  if (m instanceof Linear) return linear(g, m, x, path);
  // Blocks with branches.
  if (m instanceof BasicBlock) return basicBlock(g, m, x, path);
  if (m instanceof InvertedResidual) return invertedResidual(g, m, x, path);
  // Chains.
  if (
    m instanceof Sequential ||
    m instanceof Stage ||
    m instanceof Network ||
    m instanceof Projection ||
    m instanceof IGCConv ||
    m instanceof IGCV2Conv
  )
    return chain(g, m, x, path);
  throw new Error(
    `ONNX export: no ONNX form for ${m.constructor.name}${path ? ` at '${path}'` : ''}`,
  );
}
