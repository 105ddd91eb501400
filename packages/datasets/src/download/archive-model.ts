import { posix } from 'node:path';

/** An archive entry as far as path safety is concerned. */
export interface ArchiveEntry {
  readonly path: string;
  readonly type: string;
  readonly linkpath?: string;
}

/** Most links followed while resolving one path, as the kernel's own limit (ELOOP). */
const MAX_HOPS = 40;

const parts = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');

/**
 * The archive's symbolic links, resolved the way the filesystem will once they are on disk: a
 * path is walked component by component, each link replaced by its target as it is met, so a
 * chain (`a/l1 → ..`, then `a/l1/l2 → ..`) is followed where a lexical check of each link alone
 * sees nothing wrong.
 */
export class ArchiveModel {
  readonly #links = new Map<string, string>();

  constructor(entries: Iterable<ArchiveEntry>) {
    for (const e of entries) {
      if (e.type === 'SymbolicLink') this.#links.set(parts(e.path).join('/'), e.linkpath ?? '');
    }
  }

  /** The first symbolic link of the archive that `path` would be written through, if any. */
  linkOnTheWay(path: string): string | undefined {
    const p = parts(path);
    for (let i = 1; i < p.length; i++) {
      const prefix = p.slice(0, i).join('/');
      if (this.#links.has(prefix)) return prefix;
    }
    return undefined;
  }

  /**
   * Where `path` (relative to the extraction folder) really leads, relative to that folder, or
   * undefined when it climbs out of it, is absolute or loops.
   */
  resolve(path: string): string | undefined {
    if (posix.isAbsolute(path)) return undefined;
    const todo = parts(path);
    const at: string[] = [];
    let hops = 0;
    while (todo.length > 0) {
      const c = todo.shift()!;
      if (c === '..') {
        if (at.length === 0) return undefined;
        at.pop();
        continue;
      }
      at.push(c);
      const target = this.#links.get(at.join('/'));
      if (target === undefined) continue;
      if (++hops > MAX_HOPS || posix.isAbsolute(target)) return undefined;
      at.pop();
      todo.unshift(...parts(target));
    }
    return at.join('/');
  }
}

/** True when `path` (as resolved) is `root` or inside it; any path when `root` is ''. */
export function insideRoot(path: string | undefined, root: string): boolean {
  if (path === undefined) return false;
  const r = parts(root).join('/');
  return r === '' || path === r || path.startsWith(`${r}/`);
}
