/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
 * `{dtype, shape, data_offsets}` (plus an optional string map `__metadata__`), then the raw
 * little-endian data. No well-kept JavaScript implementation exists on npm, and the format is
 * small, so it is written here with the checks of the reference (Rust) parser: bounded header,
 * offsets inside the buffer, sizes matching shapes, no overlaps and no holes.
 */
import { SafeTensorsError } from './errors.js';

/** Element types we read and write. */
export type SafeDType = 'F32' | 'I32';

/** One tensor of a safetensors file. */
export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A decoded file. */
export interface SafeTensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** The reference parser's limit on the header size. */
export const MAX_HEADER_BYTES = 100_000_000;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes tensors (in the given order) and string metadata. */
export function encodeSafeTensors(
  tensors: Iterable<[string, SafeTensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  if (!littleEndian) throw new Error('safetensors: big-endian hosts are not supported');
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__')
      throw new Error("safetensors: '__metadata__' cannot name a tensor");
    const count = t.shape.reduce((p, d) => p * d, 1);
    if (count !== t.data.length) {
      throw new Error(
        `safetensors: tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(',')}]`,
      );
    }
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const jsonBytesLen = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - ((8 + jsonBytesLen) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.length;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

/**
 * A name from the file, for a message: as it is between quotes, or escaped when it holds
 * control characters or quotes, so an error stays one plain line.
 */
function q(name: string): string {
  const json = JSON.stringify(name);
  return json.slice(1, -1) === name && !name.includes("'") ? `'${name}'` : json;
}

function fail(source: string, what: string): never {
  throw new SafeTensorsError(source, what);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes a safetensors buffer. Every problem throws a {@link SafeTensorsError} whose message
 * starts with `source` (a file name).
 */
export function decodeSafeTensors(buf: Uint8Array, source = 'safetensors'): SafeTensorsFile {
  if (buf.length < 8) fail(source, `${buf.length} bytes is shorter than the 8-byte header length`);
  const n = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    fail(source, `header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  const headerLen = Number(n);
  if (8 + headerLen > buf.length) {
    fail(
      source,
      `header length ${headerLen} runs past the end of the ${buf.length}-byte file (truncated?)`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen)),
    );
  } catch (e) {
    fail(source, `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) fail(source, 'header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(entry)) fail(source, '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') fail(source, `__metadata__.${q(k)} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isRecord(entry)) fail(source, `entry ${q(name)} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== 'F32' && dtype !== 'I32')
      fail(
        source,
        `tensor ${q(name)} has dtype ${typeof dtype === 'string' ? q(dtype) : JSON.stringify(dtype)}; expected F32 or I32`,
      );
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(source, `tensor ${q(name)} has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0)
    ) {
      fail(source, `tensor ${q(name)} has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((p, d) => p * d, 1);
    if (end < begin || end > dataLen) {
      fail(
        source,
        `tensor ${q(name)} data_offsets [${begin}, ${end}] fall outside the ${dataLen}-byte data section (truncated?)`,
      );
    }
    if (end - begin !== count * 4) {
      fail(
        source,
        `tensor ${q(name)} of shape [${(shape as number[]).join(',')}] needs ${count * 4} bytes, offsets give ${end - begin}`,
      );
    }
    spans.push([begin, end, name]);
    // A copy with its own ArrayBuffer: Node's Buffer.slice would share the file's memory.
    const bytes = new Uint8Array(buf.subarray(dataStart + begin, dataStart + end));
    const data = dtype === 'F32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    tensors.set(name, { dtype, shape: shape as number[], data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let cursor = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== cursor)
      fail(
        source,
        `tensor ${q(name)} starts at byte ${begin}, expected ${cursor} (overlap or hole)`,
      );
    cursor = end;
  }
  if (cursor !== dataLen)
    fail(source, `the data section has ${dataLen} bytes but the tensors cover ${cursor}`);
  return { tensors, metadata };
}
