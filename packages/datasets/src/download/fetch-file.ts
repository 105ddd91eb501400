import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { get as httpGet, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
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
  /** Refuse a file larger than this (announced or received); default: no cap. */
  maxBytes?: number;
  /**
   * Seconds without a connection or without data before a request is dropped (and resumed, up
   * to `retries` times); default 30.
   */
  idleSeconds?: number;
  /** How often a stalled or cut download is resumed before giving up; default 3. */
  retries?: number;
}

/** A download that stopped part-way (a stall, a cut connection): worth resuming. */
class InterruptedError extends DatasetError {}

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
    const resumed = await fetchResuming(url, part, options);
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

/**
 * One whole download into `part`, resuming after a stall or a cut connection up to
 * `options.retries` times; returns whether it continued bytes from before.
 */
async function fetchResuming(url: string, part: string, options: FetchOptions): Promise<boolean> {
  const retries = options.retries ?? 3;
  let resumedAny = false;
  for (let attempt = 0; ; attempt++) {
    const offset = await sizeOf(part);
    try {
      return (await fetchOnce(url, part, offset, options)) || resumedAny;
    } catch (error) {
      if (!(error instanceof InterruptedError) || attempt >= retries) {
        if (error instanceof InterruptedError && retries > 0)
          throw new InterruptedError(url, `${error.problem} (gave up after ${retries} retries)`, {
            cause: error,
          });
        throw error;
      }
      resumedAny = true;
    }
  }
}

/** A response whose body is read in flowing mode. */
interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** Whether the socket went quiet for too long (the body then ends in an error). */
  stalled(): boolean;
}

/**
 * Where a redirect leads, refusing a downgrade from https to anything else: the checksum would
 * still catch a changed file, but the request (and what it reveals) should not go out in clear.
 */
export function redirectTarget(from: string, location: string): string {
  const next = new URL(location, from);
  if (new URL(from).protocol === 'https:' && next.protocol !== 'https:') {
    throw new Error(
      `refused a redirect from https to ${next.protocol.replace(/:$/, '')} (${next})`,
    );
  }
  return next.toString();
}

/**
 * GET with optional headers, following up to 5 redirects (never from https to http). The
 * socket times out after `idleMs` without a connection or data.
 */
function request(
  url: string,
  headers: Record<string, string>,
  idleMs: number,
  hops = 0,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    let stalled = false;
    const req = get(url, { headers, timeout: idleMs }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (hops >= 5) {
          reject(new Error('too many redirects'));
          return;
        }
        let next: string;
        try {
          next = redirectTarget(url, location);
        } catch (error) {
          reject(error);
          return;
        }
        request(next, headers, idleMs, hops + 1).then(resolve, reject);
        return;
      }
      resolve({
        status,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body: res,
        stalled: () => stalled,
      });
    });
    req.on('timeout', () => {
      stalled = true;
      req.destroy(new StallError(stallMessage(idleMs)));
    });
    req.on('error', reject);
  });
}

/** The socket went quiet for too long. */
class StallError extends Error {}

const stallMessage = (idleMs: number) => `no data from the server for ${idleMs / 1000} s`;

/**
 * One HTTP request; returns whether it continued existing bytes. The body is written with
 * synchronous writes from 'data' events, so every byte received before a dropped connection is
 * on disk for the next attempt (a pulled stream can discard chunks it had queued when it errors).
 */
async function fetchOnce(
  url: string,
  part: string,
  offset: number,
  options: FetchOptions,
): Promise<boolean> {
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const idleMs = (options.idleSeconds ?? 30) * 1000;
  let res: HttpResponse;
  try {
    res = await request(url, headers, idleMs);
  } catch (error) {
    const Kind = error instanceof StallError ? InterruptedError : DatasetError;
    throw new Kind(url, `request failed: ${(error as Error).message}`, { cause: error });
  }
  // 416: nothing left to send, the part file is already whole (its checksum decides).
  if (res.status === 416 && offset > 0) {
    res.body.resume();
    return true;
  }
  let start = 0;
  if (res.status === 206) {
    const range = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
    start = range === null ? -1 : Number(range[1]);
    if (start !== offset) {
      res.body.destroy();
      await rm(part, { force: true });
      return fetchOnce(url, part, 0, options);
    }
  } else if (res.status !== 200) {
    res.body.resume();
    throw new DatasetError(url, `HTTP ${res.status} ${res.statusText}`);
  }
  const length = Number(res.headers['content-length'] ?? Number.NaN);
  const total = Number.isFinite(length) ? start + length : undefined;
  const cap = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (total !== undefined && total > cap) {
    res.body.destroy();
    throw new DatasetError(url, `is ${total} bytes, more than the ${cap} expected of this file`);
  }
  let overCap = false;
  let received = start;
  const resumed = start > 0;
  const fd = openSync(part, start > 0 ? 'a' : 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      res.body.on('data', (chunk: Buffer) => {
        try {
          writeSync(fd, chunk);
        } catch (e) {
          res.body.destroy(e as Error);
          return;
        }
        received += chunk.length;
        if (received > cap) {
          overCap = true;
          res.body.destroy(new Error(`more than the ${cap} bytes expected of this file`));
          return;
        }
        options.onProgress?.({ file: part, received, total, resumed });
      });
      res.body.on('end', () => resolve());
      res.body.on('error', reject);
      res.body.on('aborted', () => reject(new Error('the connection closed mid-body')));
      res.body.on('close', () => {
        if (!res.body.complete) reject(new Error('the connection closed mid-body'));
      });
    });
  } catch (error) {
    if (overCap) {
      await rm(part, { force: true });
      throw new DatasetError(url, `sent more than the ${cap} bytes expected of this file`);
    }
    throw new InterruptedError(
      url,
      `download interrupted after ${received} bytes (kept in ${part}; run again to resume): ${res.stalled() ? stallMessage(idleMs) : (error as Error).message}`,
      { cause: error },
    );
  } finally {
    closeSync(fd);
  }
  if (total !== undefined && received !== total) {
    throw new InterruptedError(
      url,
      `download ended after ${received} of ${total} bytes (kept in ${part}; run again to resume)`,
    );
  }
  return resumed;
}
