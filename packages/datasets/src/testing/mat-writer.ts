/**
 * A small MAT v5 writer for tests: enough to make SVHN-shaped fixtures (and broken ones) in
 * either byte order, compressed (v7) or not. Not part of the public API.
 */
import { deflateSync } from 'node:zlib';

export interface MatFixtureVar {
  name: string;
  /** MATLAB class code: 6 double, 7 single, 9 uint8, 4 char, 1 cell... */
  classCode: number;
  dims: number[];
  /** Stored element type (1 int8, 2 uint8, 5 int32, 7 single, 9 double) and values. */
  storeType: number;
  values: ArrayLike<number>;
}

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8 };

function writeValues(type: number, values: ArrayLike<number>, little: boolean): Uint8Array {
  const size = SIZE[type]!;
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const o = i * size;
    if (type === 1) dv.setInt8(o, v);
    else if (type === 2) dv.setUint8(o, v);
    else if (type === 3) dv.setInt16(o, v, little);
    else if (type === 4) dv.setUint16(o, v, little);
    else if (type === 5) dv.setInt32(o, v, little);
    else if (type === 6) dv.setUint32(o, v, little);
    else if (type === 7) dv.setFloat32(o, v, little);
    else dv.setFloat64(o, v, little);
  }
  return out;
}

function element(type: number, body: Uint8Array, little: boolean, small = true): Uint8Array {
  if (small && body.length <= 4 && type !== 14) {
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, (body.length << 16) | type, little);
    out.set(body, 4);
    return out;
  }
  const padded = Math.ceil(body.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, little);
  dv.setUint32(4, body.length, little);
  out.set(body, 8);
  return out;
}

/** The parts, one after another. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface MatWriteOptions {
  compress?: boolean;
  bigEndian?: boolean;
}

/** Builds the bytes of a MAT v5 file holding `vars`. */
export function writeMat(vars: MatFixtureVar[], options: MatWriteOptions = {}): Uint8Array {
  const little = !options.bigEndian;
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by igcnet tests'));
  header.fill(0, 116, 124);
  const hv = new DataView(header.buffer);
  hv.setUint16(124, 0x0100, little);
  header.set(new TextEncoder().encode(little ? 'IM' : 'MI'), 126);
  const parts: Uint8Array[] = [header];
  for (const v of vars) {
    const flags = writeValues(6, [v.classCode, 0], little);
    const matrix = concat([
      element(6, flags, little, false),
      element(5, writeValues(5, v.dims, little), little, false),
      element(1, new TextEncoder().encode(v.name), little),
      element(v.storeType, writeValues(v.storeType, v.values, little), little),
    ]);
    const whole = element(14, matrix, little, false);
    if (options.compress) {
      const z = deflateSync(whole);
      const tag = new Uint8Array(8);
      const dv = new DataView(tag.buffer);
      dv.setUint32(0, 15, little);
      dv.setUint32(4, z.length, little);
      parts.push(tag, z);
    } else {
      parts.push(whole);
    }
  }
  return concat(parts);
}

/** Pixels of SVHN fixture image n: a pattern that makes every (n, channel, row, col) distinct. */
export function svhnPixel(n: number, ch: number, r: number, c: number): number {
  return (n * 7 + ch * 50 + r * 3 + c) % 256;
}

/** An SVHN-shaped file: X 32×32×3×N uint8 (MATLAB order), y N×1 double (10 for digit 0). */
export function svhnMat(digits: number[], options: MatWriteOptions = {}): Uint8Array {
  const n = digits.length;
  const x = new Uint8Array(32 * 32 * 3 * n);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < 3; ch++)
      for (let c = 0; c < 32; c++)
        for (let r = 0; r < 32; r++) x[r + 32 * c + 1024 * ch + 3072 * i] = svhnPixel(i, ch, r, c);
  return writeMat(
    [
      { name: 'X', classCode: 9, dims: [32, 32, 3, n], storeType: 2, values: x },
      {
        name: 'y',
        classCode: 6,
        dims: [n, 1],
        storeType: 9,
        values: digits.map((d) => (d === 0 ? 10 : d)),
      },
    ],
    options,
  );
}
