/**
 * Decompression bombs for tests, built in milliseconds: a deflate stream of `prefix` then
 * gigabytes of zeros, made of one compressed megabyte of zeros repeated (each piece ends on a
 * full flush, so pieces concatenate into one valid stream). The checksums are left zero: a
 * reader that stops at its cap never reaches them. Not part of the public API.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { concat } from './mat-writer.js';

const MIB = 1 << 20;

function rawDeflate(prefix: Uint8Array, zeros: number): Uint8Array {
  const flush = { finishFlush: constants.Z_FULL_FLUSH };
  const parts: Uint8Array[] = [deflateRawSync(prefix, flush)];
  const piece = deflateRawSync(new Uint8Array(MIB), flush);
  for (let i = 0; i < Math.floor(zeros / MIB); i++) parts.push(piece);
  if (zeros % MIB > 0) parts.push(deflateRawSync(new Uint8Array(zeros % MIB), flush));
  // The last block: empty and final.
  parts.push(deflateRawSync(new Uint8Array(0)));
  return concat(parts);
}

function wrap(head: number[], raw: Uint8Array, trailer: number): Uint8Array {
  const out = new Uint8Array(head.length + raw.length + trailer);
  out.set(head);
  out.set(raw, head.length);
  return out;
}

/** A zlib stream (as in MAT v7 elements) of `prefix` followed by `zeros` zero bytes. */
export function zlibBomb(prefix: Uint8Array, zeros: number): Uint8Array {
  return wrap([0x78, 0x9c], rawDeflate(prefix, zeros), 4);
}

/** A gzip file of `prefix` followed by `zeros` zero bytes. */
export function gzipBomb(prefix: Uint8Array, zeros: number): Uint8Array {
  return wrap([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], rawDeflate(prefix, zeros), 8);
}

/**
 * An SVHN-shaped MAT file whose one compressed element inflates to a matrix tag declaring
 * `declared` bytes, then `zeros` zero bytes: the shape of a hostile `train_32x32.mat`.
 */
export function matBomb(declared: number, zeros: number): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, a decompression bomb'));
  header.fill(0, 116, 124);
  header.set([0, 1, 0x49, 0x4d], 124);
  const tag = new Uint8Array(8);
  new DataView(tag.buffer).setUint32(0, 14, true);
  new DataView(tag.buffer).setUint32(4, declared, true);
  const z = zlibBomb(tag, zeros);
  const el = new Uint8Array(8 + z.length);
  new DataView(el.buffer).setUint32(0, 15, true);
  new DataView(el.buffer).setUint32(4, z.length, true);
  el.set(z, 8);
  const out = new Uint8Array(128 + el.length);
  out.set(header);
  out.set(el, 128);
  return out;
}
