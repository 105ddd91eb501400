import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic.js';
import type { TrainableModel } from '../loop/model.js';
import type { SGD } from '../optim/sgd.js';
import {
  type Checkpoint,
  type CheckpointMeta,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint.js';

/** Writes the model, the optimiser state and `meta` to `path` (atomically). */
export async function saveCheckpoint(
  path: string,
  model: TrainableModel,
  optimizer: SGD | undefined,
  meta: CheckpointMeta,
): Promise<void> {
  await writeFileAtomic(path, await encodeCheckpoint(model, optimizer, meta));
}

/** Reads and validates a checkpoint file. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new Error(
      `${path}: cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return decodeCheckpoint(buf, path);
}
