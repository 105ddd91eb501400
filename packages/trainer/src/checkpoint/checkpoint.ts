import { fmtShape, tensor, type Variable } from '@igcnet/tensor';
import type { TrainableModel } from '../loop/model.js';
import type { SGD } from '../optim/sgd.js';
import { decodeSafeTensors, encodeSafeTensors, type SafeTensor } from './safetensors.js';

/** Checkpoint format marker, in the safetensors metadata. */
export const CHECKPOINT_FORMAT = 'igcnet-checkpoint/1';

/** Name prefixes inside the file. */
const MODEL = 'model.';
const OPTIM = 'optim.';

/** What a checkpoint records besides tensors. */
export interface CheckpointMeta {
  /** Zoo name of the model, e.g. `igc-l24m2-d20`. */
  model: string;
  /** The options the model was built with (classes, input channels …). */
  config: Record<string, unknown>;
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps taken. */
  step: number;
  /** The run's seed (data order and augmentation derive from it and the epoch). */
  seed: number;
  /** Free-form extras (dataset, normalisation, training options). */
  extra?: Record<string, unknown>;
}

/** A decoded checkpoint. */
export interface Checkpoint {
  meta: CheckpointMeta;
  /** Model parameters and buffers by name. */
  model: Map<string, SafeTensor>;
  /** Optimiser state (momentum buffers) by parameter name. */
  optim: Map<string, SafeTensor>;
}

async function toSafeTensor(v: Variable): Promise<SafeTensor> {
  const data = await v.data();
  return { dtype: v.dtype === 'int32' ? 'I32' : 'F32', shape: [...v.shape], data };
}

/**
 * The bytes of a checkpoint (safetensors) of the model, the optimiser state and `meta`: what
 * `saveCheckpoint` of `@igcnet/trainer/node` writes to disk, and what a browser offers for
 * download.
 */
export async function encodeCheckpoint(
  model: TrainableModel,
  optimizer: SGD | undefined,
  meta: CheckpointMeta,
): Promise<Uint8Array> {
  const entries: [string, SafeTensor][] = [];
  for (const [name, v] of model.namedParameters())
    entries.push([MODEL + name, await toSafeTensor(v)]);
  for (const [name, v] of model.namedBuffers()) entries.push([MODEL + name, await toSafeTensor(v)]);
  if (optimizer) {
    for (const [name, v] of optimizer.stateTensors())
      entries.push([OPTIM + name, await toSafeTensor(v)]);
  }
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    model: meta.model,
    config: JSON.stringify(meta.config),
    epoch: String(meta.epoch),
    step: String(meta.step),
    seed: String(meta.seed),
    extra: JSON.stringify(meta.extra ?? {}),
  };
  return encodeSafeTensors(entries, metadata);
}

function parseJsonField(
  path: string,
  md: Record<string, string>,
  key: string,
): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(md[key] ?? '{}');
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`${path}: checkpoint metadata '${key}' is not a JSON object`);
}

function intField(path: string, md: Record<string, string>, key: string): number {
  const v = Number(md[key]);
  if (!Number.isInteger(v) || v < 0)
    throw new Error(
      `${path}: checkpoint metadata '${key}' must be a non-negative integer, got '${md[key]}'`,
    );
  return v;
}

/**
 * Parses and validates checkpoint bytes (`source` names them in errors), e.g. bytes that rank 0
 * read and broadcast to the other ranks of a data-parallel run.
 */
export function decodeCheckpoint(buf: Uint8Array, source: string): Checkpoint {
  const path = source;
  const file = decodeSafeTensors(buf, path);
  const md = file.metadata;
  if (md.format !== CHECKPOINT_FORMAT) {
    throw new Error(
      `${path}: not an igcnet checkpoint (metadata 'format' is '${md.format ?? ''}', expected '${CHECKPOINT_FORMAT}')`,
    );
  }
  if (!md.model) throw new Error(`${path}: checkpoint metadata 'model' is missing`);
  const meta: CheckpointMeta = {
    model: md.model,
    config: parseJsonField(path, md, 'config'),
    epoch: intField(path, md, 'epoch'),
    step: intField(path, md, 'step'),
    seed: intField(path, md, 'seed'),
    extra: parseJsonField(path, md, 'extra'),
  };
  const model = new Map<string, SafeTensor>();
  const optim = new Map<string, SafeTensor>();
  for (const [name, t] of file.tensors) {
    if (name.startsWith(MODEL)) model.set(name.slice(MODEL.length), t);
    else if (name.startsWith(OPTIM)) optim.set(name.slice(OPTIM.length), t);
    else throw new Error(`${path}: unexpected tensor '${name}' (expected 'model.*' or 'optim.*')`);
  }
  return { meta, model, optim };
}

type Named = readonly (readonly [string, Variable])[];

/**
 * Checks that `saved` holds exactly the names of `vars` with their shapes and dtypes. The error
 * lists the missing and unexpected names and every shape mismatch.
 */
export function checkNamed(
  source: string,
  what: string,
  vars: Named,
  saved: Map<string, SafeTensor>,
): void {
  const names = new Set(vars.map(([n]) => n));
  const missing = vars.map(([n]) => n).filter((n) => !saved.has(n));
  const unexpected = [...saved.keys()].filter((n) => !names.has(n));
  const mismatched: string[] = [];
  for (const [n, v] of vars) {
    const t = saved.get(n);
    if (!t) continue;
    const dtype = t.dtype === 'I32' ? 'int32' : 'float32';
    if (
      t.shape.length !== v.shape.length ||
      t.shape.some((d, i) => d !== v.shape[i]) ||
      dtype !== v.dtype
    ) {
      mismatched.push(
        `${n}: checkpoint ${fmtShape(t.shape)} ${dtype}, ${what} ${fmtShape(v.shape)} ${v.dtype}`,
      );
    }
  }
  if (missing.length || unexpected.length || mismatched.length) {
    const parts = [
      missing.length ? `missing keys: ${missing.join(', ')}` : '',
      unexpected.length ? `unexpected keys: ${unexpected.join(', ')}` : '',
      mismatched.length ? `shape mismatches: ${mismatched.join('; ')}` : '',
    ].filter(Boolean);
    throw new Error(`${source}: checkpoint does not match the ${what}: ${parts.join('; ')}`);
  }
}

function assignChecked(vars: Named, saved: Map<string, SafeTensor>): void {
  for (const [n, v] of vars) {
    const t = saved.get(n)!;
    const value = tensor(t.data, t.shape, v.dtype);
    v.assign(value);
    value.dispose();
  }
}

/** Copies `saved` into `vars` after {@link checkNamed}; nothing is assigned unless all match. */
export function assignNamed(
  source: string,
  what: string,
  vars: Iterable<readonly [string, Variable]>,
  saved: Map<string, SafeTensor>,
): void {
  const list = [...vars];
  checkNamed(source, what, list, saved);
  assignChecked(list, saved);
}

/**
 * Restores a model (and optionally an optimiser) from a checkpoint; everything is checked
 * before anything is assigned.
 */
export function restoreCheckpoint(
  source: string,
  ckpt: Checkpoint,
  model: TrainableModel,
  optimizer?: SGD,
): void {
  const modelVars = [...model.namedParameters(), ...model.namedBuffers()];
  checkNamed(source, 'model', modelVars, ckpt.model);
  const optimVars = optimizer?.stateTensors() ?? [];
  if (optimizer) checkNamed(source, 'optimizer', optimVars, ckpt.optim);
  assignChecked(modelVars, ckpt.model);
  if (optimizer) {
    assignChecked(optimVars, ckpt.optim);
    optimizer.stepCount = ckpt.meta.step;
  }
}
