import { fmtShape, type Shape, type Tensor, Variable, variable } from '@igcnet/tensor';

/** A value for `loadStateDict`: a Map or a plain record from dotted names to tensors. */
export type StateDict = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /**
   * When true (the default), a missing or unexpected key is an error. When false they are
   * reported in the result and skipped. A shape mismatch is always an error.
   */
  strict?: boolean;
}

/** What `loadStateDict` did not match. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Called by `Module.traceShapes` for every leaf module in forward order, with the module's dotted
 * path and its input and output shapes (one sample, no batch axis).
 */
export type TraceVisitor = (path: string, module: Module, input: Shape, output: Shape) => void;

function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

/**
 * The base of every layer and network, modelled on `torch.nn.Module`.
 *
 * A subclass registers its parameters (`registerParameter`), buffers (`registerBuffer`) and
 * sub-modules (`registerModule`) in its constructor, in forward order, and implements
 * `forward`. Registration order is the order of `namedParameters`, `stateDict` and `toString`,
 * and the dotted names (`stages.0.blocks.1.conv1.primary.weight`) come from it.
 *
 * Parameters and buffers are `Variable`s: they outlive `tidy` scopes and are freed by
 * `dispose()`.
 */
export abstract class Module {
  /** Whether the module is in training mode (see `train` / `eval`). */
  training = true;
  private readonly params = new Map<string, Variable>();
  private readonly buffers = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();

  /** Computes the output for a batch. */
  abstract forward(x: Tensor): Tensor;

  /**
   * The output shape for one sample of shape `input` (no batch axis), without computing.
   * Leaves implement it; containers derive it from their children through `traceShapes`.
   */
  protected inferShape(input: Shape): Shape {
    if (this.children.size > 0) return this.traceChildren(input, () => {}, '');
    throw new Error(`${this.constructor.name}: inferShape is not implemented`);
  }

  /**
   * Multiply-adds of this leaf for one sample (the paper counts only conv and FC multiply-adds;
   * BN, ReLU, pooling and the shortcut addition are free). Zero unless a layer overrides it.
   */
  macs(_input: Shape, _output: Shape): number {
    return 0;
  }

  /**
   * Walks the module tree in forward order, calling `visit` for every leaf with its dotted path
   * and its input and output shapes (one sample, no batch axis); returns the output shape.
   * Containers whose forward is not a simple chain of their children override
   * `traceChildren`.
   */
  traceShapes(input: Shape, visit: TraceVisitor = () => {}, path = ''): Shape {
    if (this.children.size === 0) {
      const out = this.inferShape(input);
      visit(path, this, input, out);
      return out;
    }
    return this.traceChildren(input, visit, path);
  }

  /**
   * Traces the children of a container. The default runs them in registration order, which is
   * right for chains (Sequential, a stem, a plain layer); blocks with branches override it.
   */
  protected traceChildren(input: Shape, visit: TraceVisitor, path: string): Shape {
    let s = input;
    for (const [name, m] of this.children) s = m.traceShapes(s, visit, joinName(path, name));
    return s;
  }

  /** The output shape for one sample of shape `input` (no batch axis). */
  outputShape(input: Shape): Shape {
    return this.traceShapes(input);
  }

  /** Registers a trainable parameter; the initial value is copied (the caller frees it). */
  protected registerParameter(
    name: string,
    initial: Tensor,
    opts: { trainable?: boolean } = {},
  ): Variable {
    this.checkFreeName(name);
    const v = initial instanceof Variable ? initial : variable(initial, { name });
    v.trainable = opts.trainable ?? true;
    this.params.set(name, v);
    return v;
  }

  /**
   * Registers a buffer: state that is saved and loaded but never trained (BN running
   * statistics, the fixed all-ones kernel of summation fusion).
   */
  protected registerBuffer(name: string, initial: Tensor): Variable {
    this.checkFreeName(name);
    const v = initial instanceof Variable ? initial : variable(initial, { name, trainable: false });
    v.trainable = false;
    this.buffers.set(name, v);
    return v;
  }

  /** Registers a child module under `name`; returns it for `this.x = this.registerModule(…)`. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkFreeName(name);
    this.children.set(name, m);
    return m;
  }

  private checkFreeName(name: string): void {
    if (name === '' || name.includes('.'))
      throw new Error(`${this.constructor.name}: invalid name '${name}'`);
    if (this.params.has(name) || this.buffers.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
  }

  /** Direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Every module of the tree (this one first) with its dotted path, depth first. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.children) out.push(...m.namedModules(joinName(prefix, name)));
    return out;
  }

  /** The parameters this module itself owns (not its children's). */
  ownParameters(): [string, Variable][] {
    return [...this.params];
  }

  /** The buffers this module itself owns. */
  ownBuffers(): [string, Variable][] {
    return [...this.buffers];
  }

  /** Every parameter of the tree with its dotted name, in registration order. */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [name, p] of m.params) out.push([joinName(path, name), p]);
    }
    return out;
  }

  /** Every buffer of the tree with its dotted name. */
  namedBuffers(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [name, b] of m.buffers) out.push([joinName(path, name), b]);
    }
    return out;
  }

  /** Every parameter of the tree (what an optimizer updates, less any marked untrainable). */
  parameters(): Variable[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Number of parameter elements in the tree. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * Names every parameter and buffer variable after its dotted path (for messages from
   * optimizers and checkpoints). Networks call it once at the end of their constructor.
   */
  nameVariables(prefix = ''): this {
    for (const [name, v] of [...this.namedParameters(prefix), ...this.namedBuffers(prefix)])
      v.name = name;
    return this;
  }

  /** Sets training mode on the whole tree (BN uses batch statistics); returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets inference mode on the whole tree (BN uses running statistics); returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * The parameters and buffers by dotted name. The values are the live variables, not copies:
   * read or save them, do not dispose them.
   */
  stateDict(): Map<string, Variable> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into the parameters and buffers by dotted name. Shapes must match. With
   * `strict` (the default) the key sets must match too; the error lists the missing and the
   * unexpected keys. The given tensors stay owned by the caller.
   */
  loadStateDict(sd: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const given: Map<string, Tensor> =
      sd instanceof Map ? new Map(sd) : new Map(Object.entries(sd));
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      if (missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.join(', ')}`);
      if (unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    }
    for (const [k, v] of own) {
      const t = given.get(k);
      if (t === undefined) continue;
      const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
      if (!same)
        problems.push(
          `shape mismatch for '${k}': expected ${fmtShape(v.shape)}, got ${fmtShape(t.shape)}`,
        );
      else if (t.dtype !== v.dtype)
        problems.push(`dtype mismatch for '${k}': expected ${v.dtype}, got ${t.dtype}`);
    }
    if (problems.length > 0) {
      throw new Error(`loadStateDict(${this.constructor.name}): ${problems.join('; ')}`);
    }
    for (const [k, v] of own) {
      const t = given.get(k);
      if (t !== undefined) v.assign(t);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Frees every parameter and buffer of the tree. The module is unusable afterwards. */
  dispose(): void {
    for (const [, v] of this.stateDict()) v.dispose();
  }

  /** One-line settings shown in `toString`, e.g. `3, 16, kernel=3, stride=1`. */
  extraRepr(): string {
    return '';
  }

  /** A readable tree in the style of PyTorch's module printout. */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this.children.size === 0) return `${head})`;
    const lines = [...this.children].map(([name, m]) => {
      const body = m.toString().split('\n').join('\n  ');
      return `  (${name}): ${body}`;
    });
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

/** Checks that a sample shape (no batch axis) is [C, H, W] and returns its parts. */
export function chw(input: Shape, who: string): [number, number, number] {
  if (input.length !== 3)
    throw new Error(`${who}: expected a [C, H, W] sample shape, got ${fmtShape(input)}`);
  return [input[0]!, input[1]!, input[2]!];
}
