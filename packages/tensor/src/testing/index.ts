/**
 * `@igcnet/tensor/testing`: the backend conformance kit. One call, at the top level of a vitest
 * (≥ 3) test file, declares the suite every backend must pass: the storage contract, each kernel
 * of the contract against naive float64 references that live here (never against the CPU
 * backend), gradients against central finite differences of those references, odd shapes, int32
 * paths, memory that stays exactly flat over 100 training steps, and named errors for missing
 * kernels.
 *
 * ```ts
 * // webgpu.conformance.test.ts
 * import { runBackendConformance } from '@igcnet/tensor/testing';
 * runBackendConformance({ name: 'webgpu', factory: () => WebGpuBackend.create(), skip: ['TopK'] });
 * ```
 * @packageDocumentation
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from '../core/backend.js';
import {
  findBackend,
  getBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setBackend,
} from '../engine/registry.js';
import '../gradients/index.js';
import { makeKit } from './kit.js';
import { type ConformanceOptions, resolveOptions } from './options.js';
import { batchNormSuite } from './suites/batchnorm.js';
import { batchNormReluSuite } from './suites/batchnorm_relu.js';
import { clipSuite } from './suites/clip.js';
import { convSuite } from './suites/conv.js';
import { elementwiseSuite } from './suites/elementwise.js';
import { errorsSuite } from './suites/errors.js';
import { fusedConvSuite } from './suites/fused_conv.js';
import { int32Suite } from './suites/int32.js';
import { kernelTableSuite } from './suites/kernels.js';
import { layoutSuite } from './suites/layout.js';
import { lossSuite } from './suites/loss.js';
import { matmulSuite } from './suites/matmul.js';
import { memorySuite } from './suites/memory.js';
import { missingKernelSuite } from './suites/missing.js';
import { poolSuite } from './suites/pool.js';
import { randomSuite } from './suites/random.js';
import { reduceSuite } from './suites/reduce.js';
import { sgdSuite } from './suites/sgd.js';
import { storageSuite } from './suites/storage.js';
import { topkSuite } from './suites/topk.js';
import { assertInsideVitest, declareSuite } from './vitest_guard.js';

export type { ConformanceOptions } from './options.js';

let suites = 0;

/** Registered name of the active backend, if any, so that it can be restored afterwards. */
function activeBackendName(): string | undefined {
  let active: Backend;
  try {
    active = getBackend();
  } catch {
    return undefined;
  }
  return listBackends().find((n) => findBackend(n) === active);
}

/**
 * Declares the conformance suite for one backend. Call it at the top level of a vitest (≥ 3) test
 * file, once per backend, and run the file with vitest: it declares tests with vitest's
 * `describe` and `it`, so anywhere else (plain node, inside a test) it throws an error that says
 * so. The package is ESM-only.
 *
 * In `beforeAll` the factory is registered under a name of the kit's own and made the active
 * backend; in `afterAll` the previous backend is restored and the registration removed (which
 * disposes the instance). Values are read with `await tensor.data()` only, so backends without a
 * synchronous read pass too.
 *
 * What it checks: storage (bits kept, `write` copies, reads are the caller's), every kernel
 * against naive float64 references, gradients against finite differences, odd shapes, int32
 * paths, that kernels leave inputs unchanged and return fresh storage, named errors, and memory:
 * a small IGC network trained for 100 SGD steps must end every step with exactly the engine's
 * counts (tensors, storages, bytes) it started with, and the backend's own `memory().bytes`
 * after step 100 must equal that after step 1, exactly (pools may grow; `pooledBytes` is not
 * compared), unless `memory().unreliable` is set.
 *
 * Kernels listed in `skip` show as skipped tests named after them; any other missing kernel fails
 * with its name. Tolerances: forward results within `atol + rtol·max|reference|` (float32 kernels
 * against float64 references), gradients within `gradRtol` of finite differences.
 *
 * @param options the backend factory, its display name, tolerances and what it leaves out.
 */
export function runBackendConformance(options: ConformanceOptions): void {
  assertInsideVitest();
  const opts = resolveOptions(options);
  const registered = `conformance:${opts.name}:${++suites}`;
  let backend: Backend | undefined;
  let previous: string | undefined;
  const kit = makeKit(opts, () => {
    if (!backend)
      throw new Error(`conformance: backend '${opts.name}' is not ready (its factory failed?)`);
    return backend;
  });

  declareSuite(() =>
    describe(`backend conformance: ${opts.name}`, () => {
      beforeAll(async () => {
        previous = activeBackendName();
        // Lowest priority: the kit's registration never becomes anyone's default by accident.
        registerBackend(registered, opts.factory, Number.NEGATIVE_INFINITY);
        backend = await setBackend(registered);
      });
      afterAll(async () => {
        if (previous !== undefined) await setBackend(previous);
        removeBackend(registered);
        backend = undefined;
      });

      kernelTableSuite(kit);
      storageSuite(kit);
      elementwiseSuite(kit);
      clipSuite(kit);
      int32Suite(kit);
      reduceSuite(kit);
      layoutSuite(kit);
      matmulSuite(kit);
      convSuite(kit);
      fusedConvSuite(kit);
      poolSuite(kit);
      batchNormSuite(kit);
      batchNormReluSuite(kit, () => registered);
      lossSuite(kit);
      topkSuite(kit);
      sgdSuite(kit);
      randomSuite(kit);
      memorySuite(kit);
      errorsSuite(kit);
      missingKernelSuite(kit, () => registered);
    }),
  );
}
