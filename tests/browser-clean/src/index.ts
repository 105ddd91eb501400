/**
 * Checks that a package's browser entry stays browser-clean: bundled by esbuild for the browser
 * (the `browser` export condition, as Vite and webpack resolve it), it must import no Node
 * built-in (`node:fs`, `fs`, `worker_threads`, …), and the bundle must load in a context that has
 * the web platform's globals but none of Node's (`process`, `Buffer`, `require`, `__dirname`,
 * `global`, `setImmediate`). Each browser package runs it in a test, so a Node-only import that
 * creeps in fails that package's tests and names the chain of files that reaches it.
 */
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build, type Metafile, type Plugin } from 'esbuild';

/** A Node built-in the entry reaches, with the files that lead to it, entry first. */
export interface NodeImport {
  module: string;
  chain: string[];
}

/** What {@link checkBrowserEntry} found. */
export interface BrowserEntryReport {
  /** Node built-ins reached from the entry (none for a clean entry). */
  nodeImports: NodeImport[];
  /** The error loading the bundle threw without Node's globals, if any. */
  loadError?: string;
  /** Size of the minified bundle in bytes. */
  bytes: number;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function isBuiltin(path: string): boolean {
  return path.startsWith('node:') || BUILTINS.has(path) || BUILTINS.has(path.split('/')[0]!);
}

/** Marks built-ins external and records who imports them (esbuild would only fail on the first). */
function builtinRecorder(found: { module: string; importer: string }[]): Plugin {
  return {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        found.push({ module: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

/** The shortest import chain from the entry to `target` in the bundle's graph. */
function chainTo(meta: Metafile, entry: string, target: string): string[] {
  const prev = new Map<string, string>([[entry, '']]);
  const queue = [entry];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === target) break;
    for (const imp of meta.inputs[at]?.imports ?? []) {
      if (imp.external || prev.has(imp.path)) continue;
      prev.set(imp.path, at);
      queue.push(imp.path);
    }
  }
  const chain: string[] = [];
  for (let at: string | undefined = target; at; at = prev.get(at)) chain.unshift(at);
  return chain;
}

/** Web globals the bundles may touch while loading; Node's own are left out on purpose. */
function webContext(): Record<string, unknown> {
  const g = globalThis as Record<string, unknown>;
  const context: Record<string, unknown> = {
    navigator: { hardwareConcurrency: 2, userAgent: 'browser-clean' },
  };
  for (const name of [
    'console',
    'TextEncoder',
    'TextDecoder',
    'URL',
    'URLSearchParams',
    'atob',
    'btoa',
    'performance',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'queueMicrotask',
    'structuredClone',
    'AbortController',
    'AbortSignal',
    'Blob',
    'MessageChannel',
    'EventTarget',
    'Event',
    'crypto',
    'fetch',
  ]) {
    context[name] = g[name];
  }
  context.self = context;
  context.window = context;
  return context;
}

/**
 * Bundles `entry` (a source or built file) for the browser and loads it without Node's globals.
 * Packages the entry imports resolve as a browser bundler resolves them (their `browser`
 * condition first); `external` leaves some out (e.g. a peer that is checked on its own).
 */
export async function checkBrowserEntry(
  entry: string,
  options: { external?: string[] } = {},
): Promise<BrowserEntryReport> {
  const found: { module: string; importer: string }[] = [];
  const cwd = dirname(resolve(entry));
  const key = (file: string): string => relative(cwd, file).replaceAll('\\', '/');
  const result = await build({
    absWorkingDir: cwd,
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: options.external ?? [],
    plugins: [builtinRecorder(found)],
  });
  const meta = result.metafile!;
  const nodeImports = found.map(({ module, importer }) => ({
    module,
    chain: [...chainTo(meta, key(resolve(entry)), key(importer)), module],
  }));
  const code = result.outputFiles[0]!.text;
  const report: BrowserEntryReport = { nodeImports, bytes: code.length };
  try {
    runInContext(code, createContext(webContext()), { filename: entry });
  } catch (e) {
    report.loadError = String(e);
  }
  return report;
}
