import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { writeMat } from '../testing/mat-writer.js';
import { parseMat } from './read-mat.js';

const vars = [
  { name: 'X', classCode: 9, dims: [2, 3], storeType: 2, values: [1, 2, 3, 4, 5, 250] },
  { name: 'y', classCode: 6, dims: [3, 1], storeType: 9, values: [1.5, -2, 10] },
  // MATLAB stores a double of small integers as bytes; the class (double) must win.
  { name: 'small', classCode: 6, dims: [1, 2], storeType: 2, values: [7, 200] },
  { name: 'int', classCode: 12, dims: [1, 2], storeType: 5, values: [-5, 70000] },
];

describe('parseMat', () => {
  for (const [label, options] of [
    ['uncompressed little-endian', {}],
    ['compressed (v7)', { compress: true }],
    ['big-endian', { bigEndian: true }],
  ] as const) {
    it(`reads ${label} variables with their class, dims and column-major data`, () => {
      const out = parseMat(writeMat(vars, options), 'f.mat');
      expect(out.map((v) => v.name)).toEqual(['X', 'y', 'small', 'int']);
      expect(out[0]!.class).toBe('uint8');
      expect(out[0]!.dims).toEqual([2, 3]);
      expect(out[0]!.data).toBeInstanceOf(Uint8Array);
      expect([...out[0]!.data!]).toEqual([1, 2, 3, 4, 5, 250]);
      expect(out[1]!.data).toBeInstanceOf(Float64Array);
      expect([...out[1]!.data!]).toEqual([1.5, -2, 10]);
      expect(out[2]!.data).toBeInstanceOf(Float64Array);
      expect([...out[2]!.data!]).toEqual([7, 200]);
      expect(out[3]!.class).toBe('int32');
      expect([...out[3]!.data!]).toEqual([-5, 70000]);
    });
  }

  it('names the file and the problem for bad input', () => {
    expect(() => parseMat(new Uint8Array(10), 'a.mat')).toThrow(/a\.mat: too short/);
    const notMat = new Uint8Array(200).fill(65);
    expect(() => parseMat(notMat, 'b.mat')).toThrow(/b\.mat: is not a MAT-file/);
    const hdf = new Uint8Array(200);
    hdf.set(new TextEncoder().encode('MATLAB 7.3 MAT-file'));
    expect(() => parseMat(hdf, 'c.mat')).toThrow(/v7\.3 \(HDF5\)/);
    const good = writeMat(vars);
    expect(() => parseMat(good.subarray(0, good.length - 20), 'd.mat')).toThrow(DatasetError);
    expect(() => parseMat(good.subarray(0, good.length - 20), 'd.mat')).toThrow(
      /d\.mat: truncated/,
    );
    const z = writeMat(vars, { compress: true });
    const broken = z.slice();
    broken.fill(0xff, 140, 160);
    expect(() => parseMat(broken, 'e.mat')).toThrow(/e\.mat: compressed element .* corrupt/);
  });
});
