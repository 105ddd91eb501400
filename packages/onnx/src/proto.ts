import { createRequire } from 'node:module';
import type * as OnnxProto from 'onnx-proto';

// onnx-proto is CommonJS (static protobufjs code generated from onnx.proto v1.10.2); Node's ESM
// loader cannot see its named export, so it is loaded through `require`.
const require = createRequire(import.meta.url);

/** The generated ONNX protobuf messages (`onnx.ModelProto`, `onnx.TensorProto`, …). */
export const { onnx } = require('onnx-proto') as typeof OnnxProto;

/** IR version written: 8, the one that goes with opset 17 and 18. */
export const IR_VERSION = 8;

/** Default opset of the default (`ai.onnx`) domain. */
export const DEFAULT_OPSET = 17;

/** Message shapes used by the builder. */
export type ModelProto = OnnxProto.onnx.ModelProto;
export type INodeProto = OnnxProto.onnx.INodeProto;
export type ITensorProto = OnnxProto.onnx.ITensorProto;
export type IAttributeProto = OnnxProto.onnx.IAttributeProto;
export type IValueInfoProto = OnnxProto.onnx.IValueInfoProto;
