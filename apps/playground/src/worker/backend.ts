import { setCpuKernelOptions, startCpuThreads } from '@igcnet/cpu';
import { registerWebGpuBackend, type WebGpuBackend } from '@igcnet/gpu';
import { removeBackend, setBackend } from '@igcnet/tensor';
import type { BackendChoice, BackendInfo } from '../protocol.js';

/** Why WebGPU cannot run here, or null when an adapter and a device were had. */
async function startWebGpu(): Promise<BackendInfo | string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    return 'this browser does not offer WebGPU (navigator.gpu is missing): Chrome or Edge 113+, or Chromium with --enable-unsafe-webgpu, on https or localhost';
  }
  registerWebGpuBackend();
  try {
    const b = (await setBackend('webgpu')) as WebGpuBackend;
    return {
      name: 'webgpu',
      device: b.adapterInfo.name,
      fallbackAdapter: b.adapterInfo.isFallback,
    };
  } catch (e) {
    removeBackend('webgpu');
    // The package's message goes on with Node install hints; its first sentence is the news.
    const why = (e as Error).message.replace(/^webgpu: /, '').split('. ')[0];
    return `WebGPU is present but could not start: ${why}`;
  }
}

/**
 * Activates the backend the page asked for: `auto` takes WebGPU where the browser has it and the
 * CPU backend otherwise (saying why), `webgpu` fails with the reason, `cpu` starts the CPU
 * backend's kernel threads (WebAssembly with threads where the page is cross-origin isolated,
 * plain TypeScript otherwise; `cpuKernels` may force one).
 */
export async function selectBackend(
  choice: BackendChoice,
  cpuKernels: 'auto' | 'wasm' | 'ts' = 'auto',
): Promise<BackendInfo> {
  let webgpuMissing: string | undefined;
  if (choice !== 'cpu') {
    const r = await startWebGpu();
    if (typeof r !== 'string') return r;
    if (choice === 'webgpu') throw new Error(r);
    webgpuMissing = r;
  }
  setCpuKernelOptions({ impl: cpuKernels });
  const cpu = await startCpuThreads();
  await setBackend('cpu');
  return {
    name: 'cpu',
    device:
      cpu.kernels === 'wasm'
        ? `WebAssembly SIMD, ${cpu.threads} thread${cpu.threads > 1 ? 's' : ''}`
        : 'plain TypeScript, 1 thread',
    fallbackAdapter: false,
    ...(webgpuMissing ? { webgpuMissing } : {}),
    ...(cpu.note ? { cpuNote: cpu.note } : {}),
  };
}
