import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { RunStore } from './store.js';

/** Checkpoint file name inside the output folder. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';
/** Per-epoch metrics file name inside the output folder. */
export const METRICS_FILE = 'metrics.jsonl';

/**
 * A run kept in the folder `dir` (created when first written): `checkpoint.safetensors` and
 * `metrics.jsonl`, each replaced atomically; step lines are appended as they come.
 */
export function folderStore(dir: string): RunStore {
  const metrics = join(dir, METRICS_FILE);
  return {
    checkpoint: join(dir, CHECKPOINT_FILE),
    async readMetrics() {
      let text: string;
      try {
        text = await readFile(metrics, 'utf8');
      } catch {
        return [];
      }
      return text.split('\n').filter((l) => l.trim());
    },
    writeMetrics: (lines) => writeFileAtomic(metrics, lines.map((l) => `${l}\n`).join('')),
    appendMetrics: (line) => appendFile(metrics, `${line}\n`),
    writeCheckpoint(bytes) {
      return writeFileAtomic(this.checkpoint, bytes);
    },
  };
}
