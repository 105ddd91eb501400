import { readFile } from 'node:fs/promises';
import {
  InflateError,
  inflateCapped,
  inflateHead,
  plausibleInflatedBytes,
} from '../compression/capped-inflate.js';
import { DatasetError } from '../errors.js';
import type { MatClass, MatData, MatVariable } from './types.js';

// Data element types (MAT-file format, "Data Types" table).
const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MI_UTF8 = 16;

const CLASS_BY_CODE: Record<number, MatClass> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function',
};

const BYTES_PER_TYPE: Record<number, number> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
  [MI_UTF8]: 1,
};

interface Element {
  type: number;
  /** The element's bytes (no tag). */
  body: Uint8Array;
  /** Offset just past the element and its padding. */
  next: number;
}

/** Options of {@link parseMat} and {@link readMatFile}. */
export interface MatReadOptions {
  /**
   * The most bytes one compressed element may inflate to; default {@link MAX_MAT_ELEMENT_BYTES}.
   * A reader that knows its dataset passes less (SVHN: what 600,000 images need).
   */
  maxElementBytes?: number;
}

/** Default cap of one inflated MAT element: 2 GiB (SVHN's largest, extra, is 1.6 GB). */
export const MAX_MAT_ELEMENT_BYTES = 2 ** 31;

/** Reads every top-level variable of a MAT-file (version 5 layout, which v6 and v7 share). */
export async function readMatFile(
  file: string,
  options: MatReadOptions = {},
): Promise<MatVariable[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DatasetError(file, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseMat(bytes, file, options);
}

/**
 * Parses a MAT-file held in memory. `file` only names the source in error messages.
 * Handles both byte orders, uncompressed and zlib-compressed (v7) elements, and stored types
 * narrower than the class (MATLAB saves a `double` of small integers as bytes).
 */
export function parseMat(
  bytes: Uint8Array,
  file = '<mat>',
  options: MatReadOptions = {},
): MatVariable[] {
  const fail = (problem: string): never => {
    throw new DatasetError(file, problem);
  };
  if (bytes.length < 128) fail(`too short for a MAT-file header (${bytes.length} bytes)`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (header.startsWith('MATLAB 7.3')) {
    fail('is a MAT v7.3 (HDF5) file; only MAT v5/v6/v7 files can be read');
  }
  if (!header.startsWith('MATLAB 5.0'))
    fail('is not a MAT-file (header does not start "MATLAB 5.0")');
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian !== 'IM' && endian !== 'MI') fail(`has an unknown byte-order mark "${endian}"`);
  const little = endian === 'IM';

  const vars: MatVariable[] = [];
  let offset = 128;
  while (offset < bytes.length) {
    // Some writers pad the end of the file; fewer than 8 bytes cannot hold a tag.
    if (bytes.length - offset < 8) break;
    const at = offset;
    const el = readElement(bytes, offset, little, fail);
    offset = el.next;
    if (el.type === MI_COMPRESSED) {
      const maxBytes = Math.min(
        options.maxElementBytes ?? MAX_MAT_ELEMENT_BYTES,
        plausibleInflatedBytes(el.body.length),
      );
      const inner = inflateElement(el.body, at, little, maxBytes, fail);
      const innerEl = readElement(inner, 0, little, fail);
      if (innerEl.type !== MI_MATRIX) continue;
      vars.push(parseMatrix(innerEl.body, little, fail));
    } else if (el.type === MI_MATRIX) {
      vars.push(parseMatrix(el.body, little, fail));
    }
    // Other top-level element types carry nothing this reader needs.
  }
  return vars;
}

/**
 * Inflates a compressed element, capped by what its own tag declares and by `maxBytes`: the
 * tag is read from the first inflated bytes, a size over the cap is refused before the body is
 * inflated, and a stream that runs past its declared size stops there.
 */
function inflateElement(
  body: Uint8Array,
  at: number,
  little: boolean,
  maxBytes: number,
  fail: (p: string) => never,
): Uint8Array {
  const where = `compressed element at byte ${at}`;
  let head: Uint8Array;
  try {
    head = inflateHead(body, 'zlib', 8);
  } catch (error) {
    return fail(`${where} is corrupt: ${(error as Error).message}`);
  }
  if (head.length < 8) fail(`${where} inflates to ${head.length} bytes, too few for a tag`);
  const first = view(head).getUint32(0, little);
  // A small element holds at most 4 bytes; otherwise the second word is the size.
  const declared = first >>> 16 !== 0 ? 8 : 8 + Math.ceil(view(head).getUint32(4, little) / 8) * 8;
  if (declared > maxBytes) {
    fail(
      `${where} declares ${declared} bytes, more than the ${maxBytes} its ${body.length} compressed bytes may plausibly hold`,
    );
  }
  try {
    return inflateCapped(body, 'zlib', declared);
  } catch (error) {
    if (error instanceof InflateError && error.overflow)
      return fail(`${where} inflates past the ${declared} bytes its tag declares`);
    return fail(`${where} is corrupt: ${(error as Error).message}`);
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readElement(
  bytes: Uint8Array,
  offset: number,
  little: boolean,
  fail: (p: string) => never,
): Element {
  if (offset + 8 > bytes.length) fail(`truncated: element tag at byte ${offset} is cut off`);
  const dv = view(bytes);
  const first = dv.getUint32(offset, little);
  // Small data element format: the size lives in the upper 16 bits, data in the next 4 bytes.
  if (first >>> 16 !== 0) {
    const type = first & 0xffff;
    const size = first >>> 16;
    if (size > 4) fail(`small data element at byte ${offset} claims ${size} bytes (at most 4)`);
    return { type, body: bytes.subarray(offset + 4, offset + 4 + size), next: offset + 8 };
  }
  const type = first;
  const size = dv.getUint32(offset + 4, little);
  const start = offset + 8;
  if (start + size > bytes.length) {
    fail(
      `truncated: element at byte ${offset} needs ${size} bytes but only ${bytes.length - start} remain`,
    );
  }
  // Compressed elements are not padded; all others end on an 8-byte boundary.
  const padded = type === MI_COMPRESSED ? size : Math.ceil(size / 8) * 8;
  return { type, body: bytes.subarray(start, start + size), next: start + padded };
}

function parseMatrix(body: Uint8Array, little: boolean, fail: (p: string) => never): MatVariable {
  if (body.length === 0) return { name: '', class: 'double', dims: [0, 0], complex: false };
  const flagsEl = readElement(body, 0, little, fail);
  if (flagsEl.body.length < 4) fail('matrix has no array flags');
  const flags = view(flagsEl.body).getUint32(0, little);
  const classCode = flags & 0xff;
  const cls = CLASS_BY_CODE[classCode];
  if (cls === undefined) fail(`matrix has unknown class code ${classCode}`);
  const complex = (flags & 0x0800) !== 0;
  const logical = (flags & 0x0200) !== 0;

  const dimsEl = readElement(body, flagsEl.next, little, fail);
  const dims = Array.from(toTyped(dimsEl, 'int32', little, fail) as Int32Array);
  const nameEl = readElement(body, dimsEl.next, little, fail);
  const name = new TextDecoder('latin1').decode(nameEl.body);
  // Names come from the file: quoted with escapes, so a message stays one plain line.
  // Negative pairs can multiply to a plausible count; no MATLAB array has one.
  if (dims.length < 2 || dims.some((d) => d < 0)) {
    fail(
      `variable ${JSON.stringify(name)} has dimensions ${dims.join('×') || 'none'}; expected at least two, none negative`,
    );
  }

  const numeric = cls !== 'cell' && cls !== 'struct' && cls !== 'object' && cls !== 'function';
  if (!numeric || cls === 'sparse' || nameEl.next >= body.length) {
    return { name, class: logical ? 'logical' : cls!, dims, complex };
  }
  const realEl = readElement(body, nameEl.next, little, fail);
  const count = dims.reduce((a, b) => a * b, 1);
  const target: NumericClass = cls === 'char' ? 'uint16' : (cls as NumericClass);
  const data = toTyped(realEl, target, little, fail);
  if (data.length !== count) {
    fail(
      `variable ${JSON.stringify(name)} has ${data.length} values but its dimensions ${dims.join('×')} need ${count}`,
    );
  }
  return { name, class: logical ? 'logical' : cls!, dims, complex, data };
}

type NumericClass = Exclude<
  MatClass,
  'cell' | 'struct' | 'object' | 'sparse' | 'function' | 'char' | 'logical'
>;

const ARRAY_FOR_CLASS = {
  double: Float64Array,
  single: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
} as const;

/** Reads an element's values (of its stored type) into an array of the class's type. */
function toTyped(
  el: Element,
  cls: NumericClass,
  little: boolean,
  fail: (p: string) => never,
): MatData {
  const size = BYTES_PER_TYPE[el.type];
  if (size === undefined) fail(`numeric data has unsupported element type ${el.type}`);
  if (el.body.length % size! !== 0) {
    fail(`numeric data of ${el.body.length} bytes is not a whole number of ${size}-byte values`);
  }
  const n = el.body.length / size!;
  const Ctor = ARRAY_FOR_CLASS[cls];
  // Fast path: bytes stored as bytes. A view, not a copy: pixel arrays can be gigabytes.
  if (el.type === MI_UINT8 && cls === 'uint8') return el.body;
  const dv = view(el.body);
  const read = reader(el.type, dv, little);
  if (Ctor === BigInt64Array || Ctor === BigUint64Array) {
    const out = new Ctor(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(Number(read(i))));
    return out;
  }
  const out = new (Ctor as Float64ArrayConstructor)(n);
  for (let i = 0; i < n; i++) out[i] = Number(read(i));
  return out as MatData;
}

function reader(type: number, dv: DataView, little: boolean): (i: number) => number | bigint {
  switch (type) {
    case MI_INT8:
      return (i) => dv.getInt8(i);
    case MI_UINT8:
    case MI_UTF8:
      return (i) => dv.getUint8(i);
    case MI_INT16:
      return (i) => dv.getInt16(i * 2, little);
    case MI_UINT16:
      return (i) => dv.getUint16(i * 2, little);
    case MI_INT32:
      return (i) => dv.getInt32(i * 4, little);
    case MI_UINT32:
      return (i) => dv.getUint32(i * 4, little);
    case MI_SINGLE:
      return (i) => dv.getFloat32(i * 4, little);
    case MI_DOUBLE:
      return (i) => dv.getFloat64(i * 8, little);
    case MI_INT64:
      return (i) => dv.getBigInt64(i * 8, little);
    default:
      return (i) => dv.getBigUint64(i * 8, little);
  }
}
