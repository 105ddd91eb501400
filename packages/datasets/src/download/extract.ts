import { posix } from 'node:path';
import { extract, list } from 'tar';
import { DatasetError } from '../errors.js';

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/** True when a relative archive path stays inside the extraction root. */
function inside(path: string): boolean {
  if (
    path.includes('\0') ||
    posix.isAbsolute(path) ||
    /^[a-zA-Z]:/.test(path) ||
    path.includes('\\')
  )
    return false;
  const normal = posix.normalize(path);
  return normal !== '..' && !normal.startsWith('../');
}

interface EntryLike {
  path: string;
  type: string;
  linkpath?: string;
}

/** Why an entry must not be extracted, or undefined when it is safe. */
export function entryProblem(entry: EntryLike): string | undefined {
  if (!ALLOWED.has(entry.type))
    return `entry "${entry.path}" is a ${entry.type}; only files, folders and links are allowed`;
  if (!inside(entry.path))
    return `entry "${entry.path}" would be written outside the target folder`;
  if (entry.type === 'SymbolicLink') {
    const target = posix.join(posix.dirname(entry.path), entry.linkpath ?? '');
    if (posix.isAbsolute(entry.linkpath ?? '') || !inside(target)) {
      return `symbolic link "${entry.path}" points outside the target folder (to "${entry.linkpath}")`;
    }
  }
  if (entry.type === 'Link' && !inside(entry.linkpath ?? '')) {
    return `hard link "${entry.path}" points outside the target folder (to "${entry.linkpath}")`;
  }
  return undefined;
}

/**
 * Extracts a .tar.gz into `dest` after checking every entry: no absolute paths, no `..`, no
 * links leading out, no devices or FIFOs. Any bad entry rejects the whole archive before a
 * byte is written.
 */
export async function extractTarSafely(archive: string, dest: string): Promise<void> {
  const problems: string[] = [];
  try {
    await list({
      file: archive,
      strict: true,
      onReadEntry: (entry) => {
        const p = entryProblem(entry);
        if (p !== undefined) problems.push(p);
        entry.resume();
      },
    });
  } catch (error) {
    throw new DatasetError(archive, `is not a readable .tar.gz: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (problems.length > 0)
    throw new DatasetError(archive, `unsafe archive: ${problems.join('; ')}`);
  try {
    await extract({
      file: archive,
      cwd: dest,
      strict: true,
      preservePaths: false,
      // Checked again while writing, in case the archive changed since it was listed.
      filter: (path, entry) =>
        'type' in entry &&
        entryProblem({ path, type: entry.type, linkpath: entry.linkpath }) === undefined,
    });
  } catch (error) {
    throw new DatasetError(archive, `extraction failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
