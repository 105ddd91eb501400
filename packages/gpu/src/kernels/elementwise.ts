/** Elementwise kernels: binary with NumPy broadcasting, unary, PowScalar, Cast and Identity. */
import {
  broadcastShapes,
  broadcastStrides,
  collapseAxes,
  type DType,
  type KernelInputs,
  type KernelTable,
  sizeOf,
  type TensorInfo,
} from '@igcnet/tensor/backend';
import type { Program } from '../exec/executor.js';
import { vecAt } from '../exec/uniforms.js';
import {
  gpu,
  grid1d,
  LINEAR_ARGS,
  LINEAR_INDEX,
  SPECIAL_FLOATS,
  storage,
  wgslType,
} from './common.js';

type BinOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Maximum' | 'GreaterEqual';

function binExpr(op: BinOp, t: 'f32' | 'i32'): string {
  switch (op) {
    case 'Add':
      return 'x + y';
    case 'Sub':
      return 'x - y';
    case 'Mul':
      return 'x * y';
    case 'Div':
      // int32: floor division as NumPy's `//` (WGSL truncates); x / 0 gives 0 as on the CPU.
      return t === 'i32' ? 'floorDiv(x, y)' : 'x / y';
    case 'Maximum':
      return t === 'i32' ? 'max(x, y)' : 'select(y, x, x >= y || isNan(x))';
    case 'GreaterEqual':
      return 'select(0.0, 1.0, x >= y)';
  }
}

const FLOOR_DIV = `fn floorDiv(x: i32, y: i32) -> i32 {
  if (y == 0) { return 0; }
  var q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) { q = q - 1; }
  return q;
}
`;

const binFields = { n: 'i32', rank: 'i32', shape: 'vec', sa: 'vec', sb: 'vec' } as const;

/** Broadcast modes: equal sizes, one side a scalar, or general strided. */
type Mode = 'same' | 'aScalar' | 'bScalar' | 'bcast';

function binaryProgram(op: BinOp, t: 'f32' | 'i32', mode: Mode): Program<typeof binFields> {
  const to = op === 'GreaterEqual' ? 'f32' : t;
  const index =
    mode === 'same'
      ? 'let ia = i; let ib = i;'
      : mode === 'aScalar'
        ? 'let ia = 0; let ib = i;'
        : mode === 'bScalar'
          ? 'let ia = i; let ib = 0;'
          : `var ia = 0; var ib = 0; var rem = i;
  for (var d = P.rank - 1; d >= 0; d--) {
    let s = ${vecAt('shape', 'd')};
    let c = rem % s;
    rem = rem / s;
    ia += c * ${vecAt('sa', 'd')};
    ib += c * ${vecAt('sb', 'd')};
  }`;
  return {
    key: `bin:${op}:${t}:${mode}`,
    fields: binFields,
    code: (u) => `const WG = 256u;
${storage(0, 'A', t)}${storage(1, 'B', t)}${storage(2, 'O', to, true)}${u}${SPECIAL_FLOATS}${FLOOR_DIV}
fn op(x: ${t}, y: ${t}) -> ${to} { return ${binExpr(op, t)}; }
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  ${index}
  O[i] = op(A[ia], B[ib]);
}`,
  };
}

type BinaryImpl = (args: { inputs: KernelInputs<'Add'>; backend: unknown }) => TensorInfo;

function binary(op: BinOp): BinaryImpl {
  return ({ inputs: { a, b }, backend }) => {
    const g = gpu(backend);
    const shape = broadcastShapes(a.shape, b.shape, op);
    const t = wgslType(a.dtype);
    const out = g.alloc(shape, op === 'GreaterEqual' ? 'float32' : a.dtype);
    const n = sizeOf(out.shape);
    const na = sizeOf(a.shape);
    const nb = sizeOf(b.shape);
    let mode: Mode;
    let vals = { n, rank: 0, shape: [] as number[], sa: [] as number[], sb: [] as number[] };
    if (na === n && nb === n) mode = 'same';
    else if (na === 1 && nb === n) mode = 'aScalar';
    else if (nb === 1 && na === n) mode = 'bScalar';
    else {
      mode = 'bcast';
      const c = collapseAxes(shape, [
        broadcastStrides(a.shape, shape),
        broadcastStrides(b.shape, shape),
      ]);
      if (c.shape.length > 8) throw new Error(`webgpu ${op}: more than 8 axes after collapsing`);
      vals = { n, rank: c.shape.length, shape: c.shape, sa: c.strides[0]!, sb: c.strides[1]! };
    }
    g.run(binaryProgram(op, t, mode), [g.buf(a), g.buf(b), g.buf(out)], vals, grid1d(n));
    return out;
  };
}

type UnOp = 'Neg' | 'Relu' | 'Step' | 'Exp' | 'Log' | 'Sqrt' | 'Square' | 'PowScalar';

function unExpr(op: UnOp, t: 'f32' | 'i32'): string {
  const zero = t === 'i32' ? '0' : '0.0';
  switch (op) {
    case 'Neg':
      return '-x';
    case 'Relu':
      // NaN propagates, as on the CPU (and in PyTorch): a NaN activation must not turn into 0.
      return t === 'i32' ? 'max(x, 0)' : 'select(0.0, x, x > 0.0 || isNan(x))';
    case 'Step':
      return `select(${zero}, ${t === 'i32' ? '1' : '1.0'}, x > ${zero})`;
    case 'Exp':
      return 'exp(x)';
    case 'Log':
      return 'log(x)';
    case 'Sqrt':
      return 'sqrt(x)';
    case 'Square':
      return 'x * x';
    case 'PowScalar':
      return t === 'i32' ? 'i32(powScalar(f32(x)))' : 'powScalar(x)';
  }
}

/**
 * x^e with JavaScript's meaning for negative bases: WGSL's pow is undefined for x < 0, so integer
 * exponents take the sign from the base and non-integer ones give NaN.
 */
const POW = `fn powScalar(x: f32) -> f32 {
  let e = P.e;
  if (e == 0.0) { return 1.0; }
  if (e == 1.0) { return x; }
  if (e == 2.0) { return x * x; }
  if (e == 0.5) { return sqrt(x); }
  if (e == -1.0) { return 1.0 / x; }
  if (x == 0.0) { return select(0.0, posInf(), e < 0.0); }
  let r = exp2(e * log2(abs(x)));
  if (x > 0.0) { return r; }
  if (floor(e) != e) { return qNaN(); }
  let odd = (abs(e) % 2.0) == 1.0;
  return select(r, -r, odd);
}
`;

const unFields = { n: 'i32', e: 'f32' } as const;

function unaryProgram(op: UnOp, t: 'f32' | 'i32'): Program<typeof unFields> {
  return {
    key: `un:${op}:${t}`,
    fields: unFields,
    code: (u) => `const WG = 256u;
${storage(0, 'X', t)}${storage(1, 'O', t, true)}${u}${SPECIAL_FLOATS}${POW}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  let x = X[i];
  O[i] = ${unExpr(op, t)};
}`,
  };
}

type UnaryImpl = (args: {
  inputs: { x: TensorInfo };
  attrs: { exponent?: number };
  backend: unknown;
}) => TensorInfo;

function unary(op: UnOp): UnaryImpl {
  return (args) => {
    const { x } = args.inputs;
    const g = gpu(args.backend);
    const out = g.alloc(x.shape, x.dtype);
    const n = sizeOf(x.shape);
    g.run(
      unaryProgram(op, wgslType(x.dtype)),
      [g.buf(x), g.buf(out)],
      { n, e: args.attrs.exponent ?? 0 },
      grid1d(n),
    );
    return out;
  };
}

const castFields = { n: 'i32' } as const;

function castProgram(from: 'f32' | 'i32', to: 'f32' | 'i32'): Program<typeof castFields> {
  return {
    key: `cast:${from}:${to}`,
    fields: castFields,
    // f32 → i32 truncates toward zero as Math.trunc; NaN gives 0 as an Int32Array store does.
    code: (u) => `const WG = 256u;
${storage(0, 'X', from)}${storage(1, 'O', to, true)}${u}${SPECIAL_FLOATS}
@compute @workgroup_size(256) fn main(${LINEAR_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= P.n) { return; }
  let x = X[i];
  ${to === 'i32' && from === 'f32' ? 'O[i] = select(i32(x), 0, isNan(x));' : `O[i] = ${to}(x);`}
}`,
  };
}

/** Elementwise kernels of the WebGPU backend. */
export const elementwiseKernels: KernelTable = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Maximum: binary('Maximum'),
  GreaterEqual: binary('GreaterEqual'),
  Neg: unary('Neg'),
  Relu: unary('Relu'),
  Step: unary('Step'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Square: unary('Square'),
  PowScalar: unary('PowScalar'),
  Cast: ({ inputs: { x }, attrs: { dtype }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, dtype);
    const n = sizeOf(x.shape);
    if (x.dtype === dtype) g.copy(x, out, n);
    else
      g.run(
        castProgram(wgslType(x.dtype), wgslType(dtype as DType)),
        [g.buf(x), g.buf(out)],
        { n },
        grid1d(n),
      );
    return out;
  },
  Identity: ({ inputs: { x }, backend }) => {
    const g = gpu(backend);
    const out = g.alloc(x.shape, x.dtype);
    g.copy(x, out, sizeOf(x.shape));
    return out;
  },
};
