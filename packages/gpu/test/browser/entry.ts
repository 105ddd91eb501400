/** The browser page's script: the shared cases on the WebGPU backend, results on `window`. */
import { setBackend, tidy } from '@igcnet/tensor';
import { registerWebGpuBackend, type WebGpuBackend } from '../../src/index.js';
import { CASES } from '../cases.js';

interface PageResult {
  adapter?: string;
  fallback?: boolean;
  results?: Record<string, number[][]>;
  error?: string;
}

const w = globalThis as unknown as { __result?: PageResult };

async function main(): Promise<void> {
  registerWebGpuBackend();
  const backend = (await setBackend('webgpu')) as WebGpuBackend;
  const results: Record<string, number[][]> = {};
  for (const c of CASES) {
    const outs = tidy(() => c.build());
    const arrays: number[][] = [];
    for (const t of outs) {
      arrays.push(Array.from(await t.data()));
      t.dispose();
    }
    results[c.name] = arrays;
  }
  w.__result = {
    adapter: backend.adapterInfo.name,
    fallback: backend.adapterInfo.isFallback,
    results,
  };
}

main().catch((e: unknown) => {
  w.__result = { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
});
