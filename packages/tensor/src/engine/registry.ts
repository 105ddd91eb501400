import type { Backend } from '../core/backend.js';

/** Makes a backend; WebGPU's factory is async because adapters are requested asynchronously. */
export type BackendFactory = () => Backend | Promise<Backend>;

interface Entry {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  /** A factory call still resolving: later callers share it instead of making a second device. */
  pending?: Promise<Backend>;
}

const entries = new Map<string, Entry>();
let active: Backend | undefined;

/**
 * Registers a backend under a name. The highest-priority backend that can be made synchronously
 * becomes the default when none was set. Registering a name again replaces it.
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 1): void {
  const old = entries.get(name);
  if (old?.instance) {
    if (active === old.instance) active = undefined;
    old.instance.dispose?.();
  }
  entries.set(name, { factory, priority });
}

/** Removes a registered backend and disposes its instance. */
export function removeBackend(name: string): void {
  const e = entries.get(name);
  if (!e) return;
  if (e.instance && active === e.instance) active = undefined;
  e.instance?.dispose?.();
  entries.delete(name);
}

/** Names of the registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

/** Makes (once) and returns the backend registered under `name`. */
export async function initBackend(name: string): Promise<Backend> {
  const e = entries.get(name);
  if (!e) {
    throw new Error(
      `setBackend: no backend named '${name}'; registered: ${listBackends().join(', ') || 'none'}`,
    );
  }
  if (!e.instance) {
    e.pending ??= Promise.resolve(e.factory());
    e.instance = await e.pending;
    e.pending = undefined;
  }
  return e.instance;
}

/** Makes the backend `name` the active one for new tensors and kernels. */
export async function setBackend(name: string): Promise<Backend> {
  active = await initBackend(name);
  return active;
}

/**
 * The active backend. When none was set, the highest-priority backend whose factory is
 * synchronous is made and activated.
 */
export function getBackend(): Backend {
  if (active) return active;
  for (const name of listBackends()) {
    const e = entries.get(name)!;
    if (!e.instance) {
      const made = e.factory();
      if (made instanceof Promise) {
        // Kept for setBackend, which will await this call rather than start another.
        e.pending = made;
        made.catch(() => undefined);
        continue;
      }
      e.instance = made;
    }
    active = e.instance;
    return active;
  }
  throw new Error(noBackendMessage());
}

/** What to do when no backend can run: the package to install, or the backend to await. */
function noBackendMessage(): string {
  const pending = listBackends();
  if (pending.length > 0) {
    return `getBackend: no backend is active and the registered ones (${pending.join(', ')}) are created asynchronously; call 'await setBackend('${pending[0]}')' first`;
  }
  return (
    "getBackend: no backend is registered. @igcnet/tensor ships none: install the CPU backend ('npm i @igcnet/cpu') " +
    "and import that package once, or use @igcnet/gpu (registerWebGpuBackend(), then await setBackend('webgpu'))"
  );
}

/** The instance of a registered backend, if it has been made. */
export function findBackend(name: string): Backend | undefined {
  return entries.get(name)?.instance;
}
