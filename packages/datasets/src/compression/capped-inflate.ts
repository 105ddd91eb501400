import { constants, gunzipSync, inflateSync } from 'node:zlib';

/** zlib (MAT v7 elements) or gzip (`.gz` IDX files). */
export type Compression = 'zlib' | 'gzip';

/**
 * The most a compressed block of real dataset content may expand: pixels and label arrays
 * deflate far less than 64:1 (SVHN's elements about 1.2:1, MNIST's images 4.7:1 and labels 2:1).
 * The 1 MiB slack lets tiny files of constant test pixels through.
 */
export const PLAUSIBLE_RATIO = 64;
const SLACK = 1 << 20;

/** What `compressed` bytes may plausibly inflate to (see {@link PLAUSIBLE_RATIO}). */
export function plausibleInflatedBytes(compressed: number): number {
  return PLAUSIBLE_RATIO * compressed + SLACK;
}

/** Output allowed while looking for a header (64 MiB). */
const HEAD_OUTPUT_LIMIT = 1 << 26;

const run = (kind: Compression, input: Uint8Array, options: object) =>
  kind === 'zlib' ? inflateSync(input, options) : gunzipSync(input, options);

/**
 * The first `want` bytes of a compressed stream (fewer only when the whole stream is shorter),
 * inflating as little of it as that takes: a header can be read without inflating the body.
 * Throws zlib's error when the start of the stream is corrupt.
 */
export function inflateHead(body: Uint8Array, kind: Compression, want: number): Uint8Array {
  for (let prefix = 64; ; prefix *= 4) {
    const whole = prefix >= body.length;
    // A sync flush returns what a cut-off stream has produced so far instead of failing. The
    // prefix grows only while it yields fewer than `want` bytes, so the cap trips only on
    // hostile streams.
    const out: Uint8Array = run(kind, whole ? body : body.subarray(0, prefix), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(want, HEAD_OUTPUT_LIMIT),
    });
    if (out.length >= want || whole) return out.subarray(0, want);
  }
}

/** Why {@link inflateCapped} refused or failed. */
export class InflateError extends Error {
  /** True when the output would pass the cap; false when the stream is corrupt. */
  readonly overflow: boolean;

  constructor(message: string, overflow: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InflateError';
    this.overflow = overflow;
  }
}

/**
 * Inflates a whole stream but never past `maxBytes` of output: a decompression bomb stops at
 * the cap instead of filling memory (zlib checks the cap as it goes).
 */
export function inflateCapped(body: Uint8Array, kind: Compression, maxBytes: number): Uint8Array {
  try {
    return run(kind, body, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE')
      throw new InflateError(`inflates to more than ${maxBytes} bytes`, true, { cause: error });
    throw new InflateError(`is corrupt: ${e.message}`, false, { cause: error });
  }
}
