/**
 * Generic handling of kernels, for backends that treat every kernel alike (delegating, queuing,
 * recording or profiling backends) and for the engine: a kernel table built kernel by kernel, and
 * a kernel's inputs and outputs as flat lists or mapped tensor by tensor. The contract's input
 * records differ per kernel; these keep each kernel's types so that such a backend needs no cast.
 */
import type { Backend, KernelImpl, KernelTable } from '../core/backend.js';
import {
  KERNEL_NAMES,
  type KernelInputs,
  type KernelName,
  type KernelOutputs,
} from '../core/kernel_names.js';
import type { TensorInfo } from '../core/tensor_info.js';

/** A kernel's inputs as the record they are at run time: a tensor, a list of them, or absent. */
type InputRecord = Record<string, TensorInfo | readonly TensorInfo[] | undefined>;

/**
 * A kernel table with `make(name)` for each kernel of the contract (`undefined` leaves a kernel
 * out). `make` is generic in the kernel, so it can return an implementation built from another
 * backend's kernel of the same name:
 *
 * ```ts
 * readonly kernels = buildKernelTable<MyBackend>((name) => {
 *   const inner = cpu.kernels[name];
 *   return inner && ((args) => inner({ ...args, backend: cpu }));
 * });
 * ```
 */
export function buildKernelTable<B extends Backend>(
  make: <K extends KernelName>(name: K) => KernelImpl<K, B> | undefined,
): KernelTable<B> {
  const table: KernelTable<B> = {};
  for (const name of KERNEL_NAMES) setKernel(table, name, make(name));
  return table;
}

/** Stores `impl` under `name`: one generic write, which TypeScript checks per kernel. */
function setKernel<B extends Backend, K extends KernelName>(
  table: KernelTable<B>,
  name: K,
  impl: KernelImpl<K, B> | undefined,
): void {
  if (impl !== undefined) (table as { [P in K]?: KernelImpl<P, B> })[name] = impl;
}

/**
 * A kernel's input tensors in order (the order of its `KernelDefs` inputs, lists flattened,
 * absent optional inputs skipped): the order the engine records them in.
 */
export function kernelInputList(inputs: KernelInputs<KernelName>): TensorInfo[] {
  const flat: TensorInfo[] = [];
  for (const v of Object.values(inputs as InputRecord)) {
    if (v === undefined) continue;
    if (isList(v)) flat.push(...v);
    else flat.push(v);
  }
  return flat;
}

/**
 * Kernel `_kernel`'s inputs (the name selects their record type) with every tensor replaced by `fn(tensor, inputName, index)` (index:
 * the position within a list input such as Concat's `xs`, else 0), same record shape, absent
 * optional inputs left absent. A delegating backend uses it to hand each input to the backend it
 * delegates to.
 */
export function mapKernelInputs<K extends KernelName>(
  _kernel: K,
  inputs: KernelInputs<K>,
  fn: (t: TensorInfo, input: string, index: number) => TensorInfo,
): KernelInputs<K> {
  const out: InputRecord = {};
  for (const [key, v] of Object.entries(inputs as InputRecord)) {
    if (v === undefined) continue;
    out[key] = isList(v) ? v.map((t, i) => fn(t, key, i)) : fn(v, key, 0);
  }
  return out as KernelInputs<K>;
}

/** A kernel's outputs as a list: one entry for a single-output kernel, none for SGDUpdate. */
export function kernelOutputList(outputs: KernelOutputs<KernelName>): readonly TensorInfo[] {
  return isList(outputs) ? outputs : [outputs];
}

/** Kernel `_kernel`'s outputs with each replaced by `fn(output, index)`, in the same form. */
export function mapKernelOutputs<K extends KernelName>(
  _kernel: K,
  outputs: KernelOutputs<K>,
  fn: (t: TensorInfo, index: number) => TensorInfo,
): KernelOutputs<K> {
  const list: KernelOutputs<KernelName> = outputs;
  return (isList(list) ? list.map(fn) : fn(list, 0)) as KernelOutputs<K>;
}

function isList(v: TensorInfo | readonly TensorInfo[]): v is readonly TensorInfo[] {
  return Array.isArray(v);
}
