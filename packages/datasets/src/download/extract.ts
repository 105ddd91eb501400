import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { extract, Parser, type ReadEntry } from 'tar';
import { DatasetError } from '../errors.js';
import { type ArchiveEntry, ArchiveModel, insideRoot } from './archive-model.js';

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

/** Why an entry must not be extracted, or undefined when it is safe on its own. */
export function entryProblem(entry: ArchiveEntry): string | undefined {
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
 * Problems of the archive as a whole, with every link resolved as it will be on disk: nothing
 * may be written through a link, and every link must lead inside `root` (the dataset folder
 * the archive unpacks to, relative to the extraction folder; '' for anywhere inside it).
 */
export function archiveProblems(entries: readonly ArchiveEntry[], root = ''): string[] {
  const model = new ArchiveModel(entries);
  const where = root === '' ? 'the target folder' : `the dataset folder "${root}"`;
  const problems: string[] = [];
  for (const e of entries) {
    const own = entryProblem(e);
    if (own !== undefined) {
      problems.push(own);
      continue;
    }
    const through = model.linkOnTheWay(e.path);
    if (through !== undefined) {
      problems.push(`entry "${e.path}" would be written through the symbolic link "${through}"`);
      continue;
    }
    if (e.type === 'SymbolicLink') {
      // Not posix.join: it would fold `l1/..` away lexically, before l1 is followed.
      const to = model.resolve(`${posix.dirname(e.path)}/${e.linkpath ?? ''}`);
      if (!insideRoot(to, root))
        problems.push(
          `symbolic link "${e.path}" leads outside ${where} (to "${e.linkpath}", through the archive's links)`,
        );
    } else if (e.type === 'Link' && !insideRoot(model.resolve(e.linkpath ?? ''), root)) {
      problems.push(`hard link "${e.path}" leads outside ${where} (to "${e.linkpath}")`);
    }
  }
  return problems;
}

/** Caps of {@link extractTarSafely}. */
export interface ExtractOptions {
  /**
   * The folder, relative to `dest`, that the dataset unpacks to (`cifar-10-batches-bin`): links
   * must lead inside it, not merely inside `dest`. Default: anywhere inside `dest`.
   */
  root?: string;
  /** The most bytes all files together may hold; default 4 GiB. */
  maxBytes?: number;
  /** The most entries; default 10,000. */
  maxEntries?: number;
}

/** Reads every entry header of a .tar.gz (no file is written), stopping at the caps. */
async function listEntries(
  archive: string,
  maxBytes: number,
  maxEntries: number,
): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const source = createReadStream(archive);
    const stop = (problem: string) => {
      source.unpipe();
      source.destroy();
      reject(new DatasetError(archive, problem));
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        entries.push({ path: entry.path, type: entry.type, linkpath: entry.linkpath });
        bytes += entry.size ?? 0;
        if (entries.length > maxEntries)
          stop(`has more than ${maxEntries} entries, more than this dataset can hold`);
        else if (bytes > maxBytes)
          stop(
            `would unpack to more than ${maxBytes} bytes (at entry "${entry.path}"), more than this dataset can hold`,
          );
        entry.resume();
      },
    });
    parser.on('error', (error: Error) =>
      reject(
        new DatasetError(archive, `is not a readable .tar.gz: ${error.message}`, { cause: error }),
      ),
    );
    parser.on('end', () => resolve(entries));
    source.on('error', (error) =>
      reject(new DatasetError(archive, `cannot read: ${error.message}`, { cause: error })),
    );
    source.pipe(parser);
  });
}

/**
 * Extracts a .tar.gz into `dest` after checking every entry: no absolute paths, no `..`, no
 * links leading out of the dataset folder (chains of links included), nothing written through
 * a link, no devices or FIFOs, and no more bytes or entries than the caps. Any bad entry
 * rejects the whole archive before a byte is written.
 */
export async function extractTarSafely(
  archive: string,
  dest: string,
  options: ExtractOptions = {},
): Promise<void> {
  const root = options.root ?? '';
  const entries = await listEntries(
    archive,
    options.maxBytes ?? 2 ** 32,
    options.maxEntries ?? 10_000,
  );
  const problems = archiveProblems(entries, root);
  if (problems.length > 0)
    throw new DatasetError(archive, `unsafe archive: ${problems.join('; ')}`);
  const listed = new Set(entries.map((e) => `${e.type}\0${e.path}\0${e.linkpath ?? ''}`));
  try {
    await extract({
      file: archive,
      cwd: dest,
      strict: true,
      preservePaths: false,
      // Only what was listed and checked, in case the archive changed since.
      filter: (path, entry) =>
        'type' in entry && listed.has(`${entry.type}\0${path}\0${entry.linkpath ?? ''}`),
    });
  } catch (error) {
    throw new DatasetError(archive, `extraction failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
