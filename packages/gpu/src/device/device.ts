/**
 * Adapter and device acquisition for Node (Dawn, from the `webgpu` package, loaded lazily) and
 * browsers (`navigator.gpu`), with the adapter's real limits, optional features and identity.
 */

import { gpuFlags } from '../flags.js';

/** Optional features we ask for when the adapter has them. */
export const WANTED_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as const;
export type WantedFeature = (typeof WANTED_FEATURES)[number];

/** Options of device acquisition. */
export interface DeviceOptions {
  /** A `GPU` object to use instead of `navigator.gpu` or Dawn (tests, embedders). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Ask for the fallback (software) adapter. */
  forceFallbackAdapter?: boolean;
  /** Dawn toggles for Node, e.g. `['enable-dawn-features=...']`. */
  dawnOptions?: string[];
  /**
   * Use the adapter's `subgroups` feature (subgroup reductions in Sum, Max, ArgMax, batch-norm
   * statistics and the softmax rows) when it has one. Default: on, unless the environment sets
   * `IGCNET_GPU_SUBGROUPS=0`; `false` leaves the feature unrequested, and those kernels reduce
   * through workgroup memory only (for comparisons, or a driver whose subgroups misbehave).
   */
  subgroups?: boolean;
}

/** Who runs the kernels. */
export interface AdapterDescription {
  /** A readable name: description, else vendor / architecture / device. */
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A fallback adapter runs on the CPU (SwiftShader, WARP): correct, but no GPU speed. */
  isFallback: boolean;
  /** The same, under GPUAdapterInfo's name. */
  isFallbackAdapter: boolean;
  /** Optional features enabled on the device. */
  features: WantedFeature[];
  /** With `subgroups` enabled: the adapter's smallest and largest subgroup sizes, when it says. */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
}

/** The limits a kernel author sizes work by. */
export interface DeviceLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxStorageBuffersPerShaderStage: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupsPerDimension: number;
  minUniformBufferOffsetAlignment: number;
  maxUniformBufferBindingSize: number;
}

export interface AcquiredDevice {
  /**
   * The GPU object the adapter came from. Dawn in Node destroys its instance once this object is
   * garbage-collected, even while a device made from it runs: the backend holds it until disposed.
   */
  gpu: GPU;
  device: GPUDevice;
  adapter: GPUAdapter;
  info: AdapterDescription;
  limits: DeviceLimits;
}

/** What to install, said once so the errors agree. */
export const INSTALL_HINT =
  'In Node, install the `webgpu` package (npm i webgpu) and a Vulkan driver: on a machine without a GPU, ' +
  "Debian's `libvulkan1` and `chromium` packages give SwiftShader; run with " +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and XDG_RUNTIME_DIR=/tmp. ' +
  'In a browser, use one with WebGPU enabled (Chrome ≥ 113, or Chromium with --enable-unsafe-webgpu) on a secure (https or localhost) page.';

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Dawn instances by their options, created once per process and never dropped: when one is
 * garbage-collected while another is in use (a backend disposed, then another created), Dawn
 * aborts, segfaults or hangs the process (seen on SwiftShader). Destroying the devices on
 * dispose is enough for Node to exit.
 */
const dawnInstances = new Map<string, GPU>();

/** `navigator.gpu`, else Dawn in Node (imported lazily so browsers and CPU-only users never load it). */
async function findGpu(opts: DeviceOptions): Promise<GPU> {
  if (opts.gpu) return opts.gpu;
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode()) throw new Error(`webgpu: this browser exposes no navigator.gpu. ${INSTALL_HINT}`);
  const dawnOptions = opts.dawnOptions ?? [];
  const known = dawnInstances.get(JSON.stringify(dawnOptions));
  if (known) return known;
  // A computed specifier keeps bundlers from pulling Dawn into browser bundles.
  const specifier = 'webgpu';
  let mod: { create: (options: string[]) => GPU };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (e) {
    throw new Error(
      `webgpu: the 'webgpu' package (Dawn for Node) could not be loaded (${String(e)}). ${INSTALL_HINT}`,
    );
  }
  const created = mod.create(dawnOptions);
  dawnInstances.set(JSON.stringify(dawnOptions), created);
  return created;
}

function describe(adapter: GPUAdapter, features: WantedFeature[]): AdapterDescription {
  const i = adapter.info;
  const vendor = i?.vendor ?? '';
  const architecture = i?.architecture ?? '';
  const device = i?.device ?? '';
  const description = i?.description ?? '';
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const isFallback =
    i?.isFallbackAdapter ??
    legacy ??
    /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${architecture} ${description}`);
  const name =
    [description, [vendor, architecture, device].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join(' — ') || 'unknown adapter';
  const d: AdapterDescription = {
    name,
    vendor,
    architecture,
    device,
    description,
    isFallback,
    isFallbackAdapter: isFallback,
    features,
  };
  if (features.includes('subgroups')) {
    if (i?.subgroupMinSize) d.subgroupMinSize = i.subgroupMinSize;
    if (i?.subgroupMaxSize) d.subgroupMaxSize = i.subgroupMaxSize;
  }
  return d;
}

/** Requests an adapter and a device with the adapter's full limits and the optional features it has. */
export async function acquireDevice(opts: DeviceOptions = {}): Promise<AcquiredDevice> {
  const gpu = await findGpu(opts);
  const request: GPURequestAdapterOptions = {};
  if (opts.powerPreference) request.powerPreference = opts.powerPreference;
  if (opts.forceFallbackAdapter) request.forceFallbackAdapter = true;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter(request);
  } catch (e) {
    throw new Error(`webgpu: requesting an adapter failed (${String(e)}). ${INSTALL_HINT}`);
  }
  if (!adapter) throw new Error(`webgpu: no WebGPU adapter was found. ${INSTALL_HINT}`);
  // Kernels take their variants from the enabled features, so a feature left out here is off
  // everywhere, with nothing else to keep in step.
  const useSubgroups = opts.subgroups ?? gpuFlags.get('subgroups');
  const features = WANTED_FEATURES.filter(
    (f) => adapter.features.has(f) && (f !== 'subgroups' || useSubgroups),
  );
  const al = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxBufferSize: al.maxBufferSize,
    maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: al.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: al.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: al.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: al.maxComputeWorkgroupSizeY,
    maxComputeWorkgroupsPerDimension: al.maxComputeWorkgroupsPerDimension,
  };
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  const dl = device.limits;
  return {
    gpu,
    device,
    adapter,
    info: describe(adapter, features),
    limits: {
      maxBufferSize: dl.maxBufferSize,
      maxStorageBufferBindingSize: dl.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: dl.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: dl.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: dl.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: dl.maxComputeWorkgroupsPerDimension,
      minUniformBufferOffsetAlignment: dl.minUniformBufferOffsetAlignment,
      maxUniformBufferBindingSize: dl.maxUniformBufferBindingSize,
    },
  };
}

/**
 * Watches a device for loss and uncaptured errors. Once either happens the backend refuses work
 * and reads throw: a result computed by a failed command buffer is never handed out.
 */
export class DeviceHealth {
  private failure: string | null = null;

  constructor(device: GPUDevice, name: string) {
    device.lost.then(
      (info) => {
        if (info.reason === 'destroyed' && this.disposed) return;
        this.fail(
          `the WebGPU device (${name}) was lost: ${info.reason}${info.message ? `: ${info.message}` : ''}`,
        );
      },
      () => undefined,
    );
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.fail(`the WebGPU device (${name}) reported an error: ${ev.error.message}`);
    };
  }

  /** Set when the backend disposes the device on purpose. */
  disposed = false;

  fail(why: string): void {
    this.failure ??= why;
  }

  /** Throws if the device was lost or reported an error. */
  check(op: string): void {
    if (this.disposed) throw new Error(`webgpu ${op}: the backend was disposed`);
    if (this.failure) {
      throw new Error(
        `webgpu ${op}: ${this.failure}. Results computed since then are not trustworthy; create a new backend.`,
      );
    }
  }

  get failed(): boolean {
    return this.failure !== null;
  }
}
