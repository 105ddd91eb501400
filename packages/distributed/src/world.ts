import { loadBinding, type MpiBinding } from './native.js';

/** Reductions of {@link MpiWorld.allreduce}. */
export type ReduceOp = 'sum' | 'max' | 'min';

/** Arrays {@link MpiWorld.allreduce} reduces. */
export type ReducibleArray = Float32Array | Float64Array | Int32Array;

/**
 * This process's place in the MPI job (MPI_COMM_WORLD) and its collectives. Every call blocks
 * until the ranks it involves take part: all ranks must make the same calls in the same order.
 */
export interface MpiWorld {
  /** This process's rank, 0 … size − 1. */
  readonly rank: number;
  /** Number of processes in the job. */
  readonly size: number;
  /** Rank among the processes on this machine (picks this process's GPU). */
  readonly localRank: number;
  /** Processes on this machine. */
  readonly localSize: number;
  /** This machine's name, as MPI reports it. */
  readonly host: string;
  /** The MPI library, e.g. `Open MPI v4.1.4`. */
  readonly library: string;
  /** Sums (or takes the max or min of) `data` over all ranks, in place, on every rank. */
  allreduce(data: ReducibleArray, op: ReduceOp): void;
  /** Overwrites `data` on every rank with `root`'s (default 0). Lengths must agree. */
  broadcast(data: ArrayBufferView, root?: number): void;
  /** Returns once every rank has called it. */
  barrier(): void;
  /** Ends MPI in this process; call once, after the last collective, before exiting. */
  finalize(): void;
  /** Ends every process of the job at once with `code` (MPI_Abort). */
  abort(code?: number): void;
}

const OPS: readonly ReduceOp[] = ['sum', 'max', 'min'];

function checkReducible(data: unknown, what: string): asserts data is ReducibleArray {
  if (
    !(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)
  ) {
    const got =
      data === null || typeof data !== 'object' ? typeof data : data.constructor?.name || 'object';
    throw new TypeError(
      `${what}: data must be a Float32Array, Float64Array or Int32Array, got ${got}`,
    );
  }
}

let world: MpiWorld | undefined;

/**
 * Starts MPI (once per process) and returns this process's world: rank, size, local rank and
 * the collectives. Under `mpirun -np N` it joins the other N − 1 ranks; started alone it is a
 * world of one. Throws an `MpiUnavailableError` naming the packages to install when Open MPI or
 * the addon is missing.
 */
export function init(): MpiWorld {
  if (world) return world;
  const b: MpiBinding = loadBinding();
  const info = b.init();
  world = {
    ...info,
    allreduce(data, op) {
      checkReducible(data, 'allreduce');
      if (!OPS.includes(op))
        throw new TypeError(`allreduce: op must be 'sum', 'max' or 'min', got '${String(op)}'`);
      b.allreduce(data, op);
    },
    broadcast(data, root = 0) {
      if (!ArrayBuffer.isView(data) || data instanceof DataView)
        throw new TypeError('broadcast: data must be a typed array');
      if (!Number.isInteger(root) || root < 0 || root >= info.size)
        throw new RangeError(`broadcast: root must be a rank in 0…${info.size - 1}, got ${root}`);
      b.broadcast(data, root);
    },
    barrier: () => b.barrier(),
    finalize: () => b.finalize(),
    abort: (code = 1) => b.abort(code),
  };
  return world;
}

/** {@link MpiWorld.allreduce} on the world started by {@link init}. */
export function allreduce(data: ReducibleArray, op: ReduceOp): void {
  started('allreduce').allreduce(data, op);
}

/** {@link MpiWorld.broadcast} on the world started by {@link init}. */
export function broadcast(data: ArrayBufferView, root = 0): void {
  started('broadcast').broadcast(data, root);
}

/** {@link MpiWorld.barrier} on the world started by {@link init}. */
export function barrier(): void {
  started('barrier').barrier();
}

/** {@link MpiWorld.finalize} on the world started by {@link init}; a no-op before it. */
export function finalize(): void {
  world?.finalize();
}

function started(what: string): MpiWorld {
  if (!world) throw new Error(`${what}: call init() first`);
  return world;
}
