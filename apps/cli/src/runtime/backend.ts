import { type Backend, getBackend, removeBackend, setBackend } from '@igcnet/tensor';
import { missingVulkan } from './vulkan-probe.js';

/** Which backend a command runs on. */
export type BackendChoice = 'auto' | 'cpu' | 'webgpu';

/** What the WebGPU package offers the CLI (loaded lazily so CPU users never load Dawn). */
interface GpuModule {
  registerWebGpuBackend(opts?: GpuOptions): void;
}

/** Options passed to the WebGPU backend (Dawn flags such as `adapter=NAME`). */
export interface GpuOptions {
  dawnOptions?: string[];
}

/** Describes the active backend for logs and JSON output. */
export interface BackendInfo {
  name: string;
  /** Adapter or device description, where the backend has one. */
  device?: string;
}

function describe(b: Backend): BackendInfo {
  const d = (
    b as Backend & {
      adapterInfo?: { description?: string; name?: string; isFallbackAdapter?: boolean };
    }
  ).adapterInfo;
  const device = d
    ? [d.name ?? d.description, d.isFallbackAdapter ? '(software fallback)' : '']
        .filter(Boolean)
        .join(' ')
    : undefined;
  return { name: b.name, ...(device ? { device } : {}) };
}

async function loadGpu(): Promise<GpuModule> {
  try {
    // A computed specifier keeps bundlers and the type checker from requiring the package.
    const spec = '@igcnet/gpu';
    return (await import(spec)) as GpuModule;
  } catch (e) {
    throw new Error(
      `--backend webgpu: the @igcnet/gpu package could not be loaded (${(e as Error).message}); install it with 'npm i @igcnet/gpu'`,
    );
  }
}

/**
 * Activates a backend. `auto` takes WebGPU only on a hardware adapter: a software adapter
 * (SwiftShader) is slower than the CPU backend. It prints at most one line of its own about
 * the choice; on Linux without a Vulkan driver it does not load Dawn at all (see
 * `missingVulkan`). `webgpu` always loads Dawn, whose own messages then show the full reason.
 */
export async function selectBackend(
  choice: BackendChoice,
  warn: (s: string) => void,
  gpu: GpuOptions = {},
): Promise<BackendInfo> {
  if (choice === 'cpu') {
    await setBackend('cpu');
    return describe(getBackend());
  }
  if (choice === 'webgpu') {
    (await loadGpu()).registerWebGpuBackend(gpu);
    await setBackend('webgpu');
    return describe(getBackend());
  }
  // Without a Vulkan driver, loading Dawn only prints its native warnings: say it in one line.
  const missing = missingVulkan();
  if (missing !== undefined) {
    warn(`auto: WebGPU skipped (${missing}); using the CPU backend`);
    await setBackend('cpu');
    return describe(getBackend());
  }
  try {
    (await loadGpu()).registerWebGpuBackend(gpu);
    const b = await setBackend('webgpu');
    const info = describe(b);
    if (!/fallback|swiftshader|llvmpipe|lavapipe/i.test(info.device ?? '')) return info;
    warn(`auto: WebGPU adapter is software (${info.device}); using the CPU backend`);
    // Frees the device so that it neither holds memory nor keeps the process alive.
    removeBackend('webgpu');
  } catch (e) {
    warn(
      `auto: WebGPU unavailable (${(e as Error).message.split('\n')[0]}); using the CPU backend`,
    );
  }
  await setBackend('cpu');
  return describe(getBackend());
}
