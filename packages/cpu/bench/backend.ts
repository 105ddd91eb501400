import type { PreparedStep, WorkloadId } from './workloads.js';

export type { PreparedStep } from './workloads.js';

/**
 * One backend's benchmark. To add a backend (e.g. WebGPU), write a module exporting one of these
 * and list it in BACKENDS in main.ts; workloads it leaves out are skipped.
 */
export interface BenchBackend {
  name: string;
  /** Null when the backend can run here, else why not (the row is then skipped with a note). */
  init(): Promise<string | null>;
  workloads: Partial<Record<WorkloadId, () => PreparedStep>>;
  /** Extra fields for every JSON row (threads, variant…). */
  info?(): Record<string, string | number | boolean>;
}
