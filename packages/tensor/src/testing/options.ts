import type { Backend } from '../core/backend.js';
import type { KernelName } from '../core/kernel_names.js';

/** How `runBackendConformance` runs the suite against one backend. */
export interface ConformanceOptions {
  /** Shown in the suite's title, e.g. `cpu` or `webgpu`. */
  name: string;
  /** Makes the backend under test; it is registered under a name of the kit's own while the suite runs. */
  factory: () => Backend | Promise<Backend>;
  /** Relative tolerance of forward results, scaled by the largest expected magnitude (default 1e-4). */
  rtol?: number;
  /** Absolute tolerance of forward results (default 1e-5). */
  atol?: number;
  /** Relative tolerance of gradients against finite differences (default 1e-3). */
  gradRtol?: number;
  /**
   * Kernels the backend leaves out. Each shows as a skipped test named after the kernel, and a
   * test that needs one is skipped rather than failed: the list is the backend's visible debt.
   */
  skip?: readonly KernelName[];
  /** Smaller shapes, for slow (emulated) devices. */
  small?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly name: string;
  readonly factory: () => Backend | Promise<Backend>;
  readonly rtol: number;
  readonly atol: number;
  readonly gradRtol: number;
  readonly skip: ReadonlySet<KernelName>;
  readonly small: boolean;
}

export function resolveOptions(o: ConformanceOptions): ResolvedOptions {
  return {
    name: o.name,
    factory: o.factory,
    rtol: o.rtol ?? 1e-4,
    atol: o.atol ?? 1e-5,
    gradRtol: o.gradRtol ?? 1e-3,
    skip: new Set(o.skip ?? []),
    small: o.small ?? false,
  };
}
