import { Tensor } from '../core/tensor.js';
import { ENGINE, type MemoryInfo } from './engine.js';
import { getBackend } from './registry.js';

/** Anything `tidy` can return: tensors are kept, everything else passes through. */
export type TensorContainer =
  // biome-ignore lint/suspicious/noConfusingVoidType: tidy callbacks may return nothing.
  | void
  | Tensor
  | number
  | string
  | boolean
  | null
  | undefined
  | readonly TensorContainer[]
  | { readonly [key: string]: TensorContainer };

function collect(c: TensorContainer, out: Tensor[]): void {
  if (c instanceof Tensor) out.push(c);
  else if (Array.isArray(c)) for (const v of c) collect(v, out);
  else if (c !== null && typeof c === 'object')
    for (const v of Object.values(c)) collect(v as TensorContainer, out);
}

/**
 * Runs `fn` and frees every tensor it made except those it returns (which move to the enclosing
 * scope) and those passed to `keep`.
 */
export function tidy<T extends TensorContainer>(fn: () => T): T {
  ENGINE.startScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    ENGINE.endScope([]);
    throw e;
  }
  if (result instanceof Promise) {
    ENGINE.endScope([]);
    throw new Error('tidy: the function must be synchronous; it returned a Promise');
  }
  const keep: Tensor[] = [];
  collect(result, keep);
  ENGINE.endScope(keep);
  return result;
}

/** Keeps a tensor alive past the `tidy` scope that made it. */
export function keep<T extends Tensor>(t: T): T {
  return ENGINE.keep(t);
}

/** Frees tensors, in any container. */
export function dispose(c: TensorContainer): void {
  const all: Tensor[] = [];
  collect(c, all);
  for (const t of all) t.dispose();
}

/** Live tensors and bytes on a backend (the active one by default). */
export function memory(backendName?: string): MemoryInfo {
  const b = getBackend();
  if (backendName !== undefined && backendName !== b.name) {
    throw new Error(`memory: backend '${backendName}' is not the active backend '${b.name}'`);
  }
  return ENGINE.memory(b);
}

/**
 * Evaluates `f` and its gradients with respect to `wrt` (variables or any tensors `f` reads).
 * A non-scalar result is differentiated as the sum of its elements. Intermediates are freed;
 * the value and the gradients belong to the caller.
 */
export function valueAndGrads(
  f: () => Tensor,
  wrt: readonly Tensor[],
): { value: Tensor; grads: Tensor[] } {
  return ENGINE.valueAndGrads(f, wrt);
}

/** The gradients of `f` with respect to `wrt`; the value is freed. */
export function grads(f: () => Tensor, wrt: readonly Tensor[]): Tensor[] {
  const { value, grads: gs } = ENGINE.valueAndGrads(f, wrt);
  value.dispose();
  return gs;
}

/**
 * JAX-style: turns `f(x)` into a function returning `df/dx` (the sum of f's elements is
 * differentiated when f is not scalar).
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => grads(() => f(x), [x])[0]!;
}

/** JAX-style: turns `f(x)` into a function returning `{ value, grad }`. */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
): (x: Tensor) => { value: Tensor; grad: Tensor } {
  return (x) => {
    const r = ENGINE.valueAndGrads(() => f(x), [x]);
    return { value: r.value, grad: r.grads[0]! };
  };
}

/** Runs `fn` without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  return ENGINE.noGrad(fn);
}
