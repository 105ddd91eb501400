import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { DatasetError } from '../errors.js';

/** A folder entry with symbolic links resolved: what it is and where it really lives. */
export interface FolderEntry {
  readonly name: string;
  readonly kind: 'file' | 'dir' | 'other';
  /** The entry's path through `dir` (kept, so file names stay as the user laid them out). */
  readonly path: string;
}

/** True when `path` is `root` or inside it (both real paths). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of the dataset folder, for {@link listFolder}. */
export async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch (error) {
    throw new DatasetError(root, `cannot resolve: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Lists `dir`, following symbolic links that stay inside the dataset folder (`root`, a real
 * path) and refusing, by name, those that lead out of it or nowhere: a link is never dropped
 * silently. A folder that cannot be listed is an error that names it. `missing` is the message
 * for a folder that does not exist.
 */
export async function listFolder(
  dir: string,
  root: string,
  missing: string,
): Promise<FolderEntry[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(dir, missing, { cause: error });
    throw new DatasetError(dir, `cannot list: ${(error as Error).message}`, { cause: error });
  }
  const out: FolderEntry[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (!e.isSymbolicLink()) {
      out.push({
        name: e.name,
        path,
        kind: e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other',
      });
      continue;
    }
    let target: string;
    try {
      target = await realpath(path);
    } catch (error) {
      throw new DatasetError(path, 'is a broken symbolic link (its target does not exist)', {
        cause: error,
      });
    }
    if (!within(root, target)) {
      throw new DatasetError(
        path,
        `is a symbolic link to ${target}, outside the dataset folder ${root}; copy the data in or link the whole dataset folder instead`,
      );
    }
    const s = await stat(target);
    out.push({ name: e.name, path, kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other' });
  }
  return out;
}
