/**
 * What data-parallel training needs of a process group: its size, this process's rank and
 * blocking collectives that every rank calls in the same order. `MpiWorld` of
 * `@igcnet/distributed` (Open MPI) is one; the trainer never loads it itself.
 */
export interface Communicator {
  /** This process's rank, 0 … size − 1; rank 0 writes checkpoints and metrics. */
  readonly rank: number;
  /** Number of processes. */
  readonly size: number;
  /** Sums (or takes the max of) `data` over all ranks, in place. */
  allreduce(data: Float32Array | Float64Array, op: 'sum' | 'max'): void;
  /** Overwrites `data` on every rank with `root`'s. */
  broadcast(data: ArrayBufferView, root?: number): void;
  /** Returns once every rank has called it. */
  barrier(): void;
}

/** Whether this process writes files and reports: the only process, or rank 0. */
export function isWriter(comm: Communicator | undefined): boolean {
  return comm === undefined || comm.rank === 0;
}
