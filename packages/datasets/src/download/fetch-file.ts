import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { DatasetError } from '../errors.js';

/** Progress of one file: bytes on disk so far and the total when the server says it. */
export interface DownloadProgress {
  readonly file: string;
  readonly received: number;
  readonly total: number | undefined;
  /** True when this request continued an earlier, interrupted one. */
  readonly resumed: boolean;
}

/** Options for {@link fetchToFile}. */
export interface FetchOptions {
  /** Expected MD5 (hex) of the whole file. */
  md5: string;
  onProgress?: (progress: DownloadProgress) => void;
}

/** MD5 of a file, hex. */
export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Downloads `url` to `dest` through `dest.part`. An interrupted download leaves the `.part`
 * file, and the next call continues it with an HTTP Range request (or starts over when the
 * server ignores ranges). `dest` itself only ever appears complete and checksum-verified.
 */
export async function fetchToFile(url: string, dest: string, options: FetchOptions): Promise<void> {
  const part = `${dest}.part`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const offset = await sizeOf(part);
    const resumed = await fetchOnce(url, part, offset, options);
    const actual = await md5File(part);
    if (actual === options.md5.toLowerCase()) {
      await rename(part, dest);
      return;
    }
    await rm(part, { force: true });
    // A resumed file may have had a bad tail from before; one clean retry settles it.
    if (!resumed) {
      throw new DatasetError(
        url,
        `checksum mismatch: MD5 is ${actual}, expected ${options.md5}; the partial file was removed`,
      );
    }
  }
  throw new DatasetError(
    url,
    `checksum mismatch after a fresh download; expected MD5 ${options.md5}`,
  );
}

/** One HTTP request; returns whether it continued existing bytes. */
async function fetchOnce(
  url: string,
  part: string,
  offset: number,
  options: FetchOptions,
): Promise<boolean> {
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow' });
  } catch (error) {
    throw new DatasetError(url, `request failed: ${(error as Error).message}`, { cause: error });
  }
  // 416: nothing left to send, the part file is already whole (its checksum decides).
  if (res.status === 416 && offset > 0) {
    await res.body?.cancel();
    return true;
  }
  let start = 0;
  if (res.status === 206) {
    const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    start = range === null ? -1 : Number(range[1]);
    if (start !== offset) {
      await res.body?.cancel();
      await rm(part, { force: true });
      return fetchOnce(url, part, 0, options);
    }
  } else if (res.status !== 200) {
    await res.body?.cancel();
    throw new DatasetError(url, `HTTP ${res.status} ${res.statusText}`);
  }
  if (res.body === null) throw new DatasetError(url, 'response has no body');
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  const total = Number.isFinite(length) ? start + length : undefined;
  let received = start;
  const resumed = start > 0;
  // Chunks are written one by one and awaited, so every byte received before an interruption is
  // on disk for the next attempt (a stream pipeline would drop its buffered bytes on error).
  const fh = await open(part, start > 0 ? 'a' : 'w');
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      await fh.write(chunk);
      received += chunk.length;
      options.onProgress?.({ file: part, received, total, resumed });
    }
  } catch (error) {
    throw new DatasetError(
      url,
      `download interrupted after ${received} bytes (kept in ${part}; run again to resume): ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await fh.close();
  }
  if (total !== undefined && received !== total) {
    throw new DatasetError(
      url,
      `download ended after ${received} of ${total} bytes (kept in ${part}; run again to resume)`,
    );
  }
  return resumed;
}
