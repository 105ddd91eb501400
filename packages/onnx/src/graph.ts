import { type IAttributeProto, type INodeProto, type ITensorProto, onnx } from './proto.js';

/** An attribute value of a node: an int, a float, a string or a list of ints. */
export type AttrValue = number | string | readonly number[] | { float: number };

const ATTR = onnx.AttributeProto.AttributeType;

function attribute(name: string, v: AttrValue): IAttributeProto {
  if (typeof v === 'string') return { name, type: ATTR.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute '${name}': ${v} is not an integer`);
    return { name, type: ATTR.INT, i: v };
  }
  if ('float' in v) return { name, type: ATTR.FLOAT, f: v.float };
  return { name, type: ATTR.INTS, ints: [...v] };
}

/** Little-endian bytes of a float32 array (TensorProto.raw_data is little-endian by spec). */
function float32Bytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}

function int64Bytes(data: readonly number[]): Uint8Array {
  const out = new Uint8Array(data.length * 8);
  const view = new DataView(out.buffer);
  for (const [i, v] of data.entries()) view.setBigInt64(i * 8, BigInt(v), true);
  return out;
}

/**
 * Collects the nodes and initializers of one ONNX graph. Value names are unique: a node output
 * is named after the module path that produced it, with a counter when a path emits several.
 */
export class GraphBuilder {
  /**
   * @param dynamicSize whether the input's height and width are symbolic: the graph must then
   *   not bake them in (the interleave reads them with `Shape`, window pads must not depend on
   *   them).
   */
  constructor(readonly dynamicSize = false) {}

  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A fresh value name based on `base`. */
  fresh(base: string): string {
    const clean = base === '' ? 'value' : base;
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a name exactly (graph inputs and outputs); throws if it is taken. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX export: value name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  /** Adds a float32 initializer with the given dims; returns its name. */
  float32(base: string, data: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new Error(
        `ONNX export: initializer '${base}' has ${data.length} values for dims [${dims.join(',')}]`,
      );
    }
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: float32Bytes(data),
    });
    return name;
  }

  /** A float32 scalar constant (Clip bounds), shared between nodes that use the same value. */
  float32Scalar(value: number): string {
    const key = `f32:${value}`;
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.float32(
      `const_f32_${String(value).replace(/[^0-9a-z]/gi, '_')}`,
      Float32Array.of(value),
      [],
    );
    this.constants.set(key, name);
    return name;
  }

  /** A 1-D int64 constant (Reshape shapes), shared between nodes that use the same values. */
  int64(values: readonly number[]): string {
    const key = values.join(',');
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh(`const_i64_${values.map((v) => (v < 0 ? `m${-v}` : v)).join('_')}`);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: int64Bytes(values),
    });
    this.constants.set(key, name);
    return name;
  }

  /**
   * Adds a node of the default domain and returns the name of its output (one output,
   * named `output` or made fresh from it).
   */
  node(
    opType: string,
    inputs: readonly string[],
    output: string,
    attrs: Readonly<Record<string, AttrValue>> = {},
    fixedOutput = false,
  ): string {
    const out = fixedOutput ? this.reserve(output) : this.fresh(output);
    this.nodes.push({
      opType,
      name: out,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }
}
