/**
 * Where {@link fit} keeps a run: its checkpoint and its metrics lines. `folderStore` of
 * `@igcnet/trainer/node` keeps them in a folder (`checkpoint.safetensors`, `metrics.jsonl`); in
 * a browser a run either keeps nothing or brings its own store (IndexedDB, memory). Only the
 * writing rank of a data-parallel run calls it.
 */
export interface RunStore {
  /** Where checkpoints go: named in epoch events (`checkpoint`) and divergence errors. */
  readonly checkpoint: string;
  /** The metrics lines stored so far, oldest first (none for a new run). */
  readMetrics(): Promise<string[]>;
  /** Replaces every metrics line at once (atomically where the medium allows it). */
  writeMetrics(lines: readonly string[]): Promise<void>;
  /** Adds one metrics line after the others. */
  appendMetrics(line: string): Promise<void>;
  /** Replaces the checkpoint with `bytes` (safetensors), atomically. */
  writeCheckpoint(bytes: Uint8Array): Promise<void>;
}
