import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DatasetError } from '../errors.js';
import { datasetsFlags } from '../flags.js';
import { ByteCap } from './byte-cap.js';
import { extractTarSafely } from './extract.js';
import { type DownloadProgress, fetchToFile } from './fetch-file.js';
import {
  type DatasetSource,
  DEFAULT_UNPACK_LIMITS,
  type DownloadableDataset,
  type RemoteFile,
  SOURCES,
} from './sources.js';

/** Written last into a finished dataset folder; its absence means "not a finished download". */
export const COMPLETE_MARKER = '.igc-complete';
/** Where verified and partial downloads wait, under the download directory. */
export const CACHE_DIR = '.igc-download';
const TMP_PREFIX = '.igc-tmp-';

/** Options for {@link downloadDataset}. */
export interface DownloadOptions {
  /** The download directory; the dataset lands in a folder inside it. */
  dir: string;
  /**
   * Fetch every file from `${baseUrl}/${file name}` instead of its official URL (mirrors,
   * tests). Default: the `IGCNET_DATASETS_BASE_URL` environment variable, if set.
   */
  baseUrl?: string;
  /** Replace an existing dataset folder. */
  force?: boolean;
  /** SVHN: also fetch the 1.3 GB `extra_32x32.mat`. Default true. */
  svhnExtra?: boolean;
  /** Keep the downloaded archives after unpacking. Default false. */
  keepArchives?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  /** Use this distribution instead of the built-in one (a mirror with other files; tests). */
  source?: DatasetSource;
  /** Seconds without a connection or data before a request is dropped and resumed; default 30. */
  idleSeconds?: number;
  /** How often a stalled or cut download is resumed before giving up; default 3. */
  retries?: number;
}

/** What {@link downloadDataset} did. */
export interface DownloadResult {
  readonly dataset: DownloadableDataset;
  /** The finished dataset folder. */
  readonly path: string;
  /** True when the folder was already complete and nothing was fetched. */
  readonly alreadyPresent: boolean;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fetches a dataset's canonical files, checks their MD5s, and unpacks them into
 * `dir/<folder>`. The folder is assembled in a temporary sibling and renamed into place only
 * when complete, with a marker file, so a reader never sees a half-written dataset. An
 * interrupted run leaves `.part` files that the next run resumes.
 */
export async function downloadDataset(
  name: DownloadableDataset,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const source: DatasetSource | undefined = options.source ?? SOURCES[name];
  if (source === undefined) {
    throw new Error(
      `unknown dataset "${name}"; expected one of ${Object.keys(SOURCES).join(', ')}`,
    );
  }
  const dir = options.dir;
  const target = join(dir, source.target);
  if (await isFile(join(target, COMPLETE_MARKER))) {
    if (!options.force) return { dataset: name, path: target, alreadyPresent: true };
  } else if ((await pathExists(target)) && !options.force) {
    throw new DatasetError(
      target,
      'exists but is not a finished download; remove it or use --force to replace it',
    );
  }

  const files = source.files.filter(
    (f) => name !== 'svhn' || options.svhnExtra !== false || f.name !== 'extra_32x32.mat',
  );
  const cache = join(dir, CACHE_DIR);
  await mkdir(cache, { recursive: true });
  const baseUrl = (options.baseUrl ?? datasetsFlags.get('baseUrl') ?? '').replace(/\/+$/, '');
  for (const file of files) {
    const dest = join(cache, file.name);
    // A file in the cache was renamed there only after its checksum matched.
    if (await isFile(dest)) continue;
    const url = baseUrl === '' ? file.url : `${baseUrl}/${file.name}`;
    await fetchToFile(url, dest, {
      md5: file.md5,
      onProgress: options.onProgress,
      ...(file.bytes !== undefined ? { maxBytes: Math.ceil(file.bytes * 1.05) } : {}),
      ...(options.idleSeconds !== undefined ? { idleSeconds: options.idleSeconds } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
  }

  await removeStaleTemps(dir, source.target);
  const tmp = await mkdtemp(join(dir, `${TMP_PREFIX}${source.target}-`));
  try {
    const staging = join(tmp, source.target);
    await unpack(source, files, cache, tmp, staging, options.keepArchives === true);
    const expected = name === 'svhn' ? files.map((f) => f.name) : source.expect;
    for (const f of expected) {
      if (!(await isFile(join(staging, f)))) {
        throw new DatasetError(
          join(cache, files[0]!.name),
          `unpacked without ${source.target}/${f}`,
        );
      }
    }
    const marker = {
      dataset: name,
      files: files.map((f) => ({ name: f.name, md5: f.md5 })),
      completedAt: new Date().toISOString(),
    };
    await writeFile(join(staging, COMPLETE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    if (await pathExists(target)) await rename(target, join(tmp, 'replaced'));
    await rename(staging, target);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (!options.keepArchives) {
    for (const f of files) await rm(join(cache, f.name), { force: true });
    if ((await readdir(cache)).length === 0) await rm(cache, { recursive: true, force: true });
  }
  return { dataset: name, path: target, alreadyPresent: false };
}

/** Deletes temporary folders left by runs that were killed mid-unpack. */
async function removeStaleTemps(dir: string, target: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (entry.startsWith(`${TMP_PREFIX}${target}-`))
      await rm(join(dir, entry), { recursive: true, force: true });
  }
}

async function unpack(
  source: DatasetSource,
  files: readonly RemoteFile[],
  cache: string,
  tmp: string,
  staging: string,
  keep: boolean,
): Promise<void> {
  const limits = source.limits ?? DEFAULT_UNPACK_LIMITS;
  if (source.unpack === 'tar.gz') {
    for (const f of files) {
      // Links are checked against the dataset folder itself, not the temporary folder around it.
      await extractTarSafely(join(cache, f.name), tmp, {
        root: source.target,
        maxBytes: limits.bytes,
        maxEntries: limits.entries,
      });
    }
    return;
  }
  let unpacked = 0;
  await mkdir(staging, { recursive: true });
  for (const f of files) {
    const from = join(cache, f.name);
    if (source.unpack === 'gunzip') {
      const to = join(staging, f.name.replace(/\.gz$/, ''));
      const cap = new ByteCap(limits.bytes - unpacked);
      try {
        await pipeline(createReadStream(from), createGunzip(), cap, createWriteStream(to));
      } catch (error) {
        if (cap.exceeded)
          throw new DatasetError(
            from,
            `unpacks to more than the ${limits.bytes} bytes this dataset can hold`,
          );
        throw new DatasetError(from, `is not valid gzip: ${(error as Error).message}`, {
          cause: error,
        });
      }
      unpacked += cap.bytes;
    } else if (keep) {
      await copyFile(from, join(staging, f.name));
    } else {
      // Same filesystem: a rename moves gigabytes for free.
      await rename(from, join(staging, f.name));
    }
  }
}
