import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plausibleInflatedBytes } from '../compression/capped-inflate.js';
import { DatasetError } from '../errors.js';
import { parseMat } from '../mat/read-mat.js';
import { cifarBatch, idx } from '../testing/fixtures.js';
import { fuzzReader, fuzzRuns, mutated, randomBytes } from '../testing/fuzz.js';
import { svhnMat, writeMat } from '../testing/mat-writer.js';
import { type CifarFileSpec, parseCifarFile } from './cifar.js';
import { gunzipIdx, parseIdx } from './idx.js';

const ours = (e: unknown, file: string) => e instanceof DatasetError && e.file === file;
const typedBytes = (a: ArrayBufferView | undefined) => a?.byteLength ?? 0;

// A few seconds per reader in CI; `pnpm fuzz` sets IGCNET_FUZZ_RUNS for the long run.
const RUNS = fuzzRuns(400);

describe('fuzz: MAT reader', () => {
  const variable = fc.record({
    name: fc.string({ unit: 'binary-ascii', maxLength: 4 }),
    classCode: fc.constantFrom(1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17),
    dims: fc.array(fc.integer({ min: -3, max: 6 }), { minLength: 1, maxLength: 4 }),
    storeType: fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 9),
    values: fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 40 }),
  });
  const files = fc
    .tuple(fc.array(variable, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
    .map(([vars, compress, bigEndian]) => writeMat(vars, { compress, bigEndian }));
  const svhn = fc
    .tuple(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 2 }), fc.boolean())
    .map(([digits, compress]) => svhnMat(digits, { compress }));
  const header = writeMat([]);

  it('parses or refuses with a DatasetError naming the file', () => {
    const stats = fuzzReader(
      'mat',
      fc.oneof(mutated(fc.oneof(files, svhn)), files, randomBytes([header])),
      RUNS,
      (bytes, file) => parseMat(bytes, file),
      {
        ours,
        outputBytes: (vars) => vars.reduce((n, v) => n + typedBytes(v.data), 0),
        // Values may widen 8× (bytes stored for a double) after inflation.
        maxOutputBytes: (n) => 8 * plausibleInflatedBytes(n),
      },
    );
    expect(stats.inputs).toBe(RUNS);
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });
});

describe('fuzz: IDX reader', () => {
  const arrays = fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
      fc.uint8Array({ maxLength: 300 }),
    )
    .map(([dims, data]) => {
      const n = dims.reduce((a, b) => a * b, 1);
      return idx(
        dims,
        Uint8Array.from({ length: n }, (_, i) => data[i % Math.max(1, data.length)] ?? 0),
      );
    });
  const gz = (a: fc.Arbitrary<Uint8Array>) => a.map((b) => new Uint8Array(gzipSync(b)));
  const read = (bytes: Uint8Array, file: string) =>
    bytes[0] === 0x1f && bytes[1] === 0x8b
      ? parseIdx(gunzipIdx(bytes, file), file)
      : parseIdx(bytes, file);

  it('parses or refuses with a DatasetError naming the file, plain or gzipped', () => {
    const stats = fuzzReader(
      'idx',
      fc.oneof(
        mutated(arrays),
        gz(mutated(arrays)),
        mutated(gz(arrays)),
        randomBytes([Uint8Array.of(0, 0, 8, 1), Uint8Array.of(0x1f, 0x8b, 8, 0)]),
      ),
      RUNS,
      read,
      {
        ours,
        outputBytes: (a) => a.data.byteLength,
        maxOutputBytes: (n) => plausibleInflatedBytes(n),
      },
    );
    expect(stats.inputs).toBe(RUNS);
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });
});

describe('fuzz: CIFAR reader', () => {
  const spec = (format: CifarFileSpec['format'], classes: number): CifarFileSpec => ({
    format,
    split: 'test',
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
    labelBytes: format === 'cifar10' ? 1 : 2,
    labelIndex: format === 'cifar10' ? 0 : 1,
  });
  const spec10 = spec('cifar10', 10);
  const spec100 = spec('cifar100', 100);
  const batches = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 99 })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((labels) => ({ labels, ten: labels[0]![0] < 10 }))
    .map(({ labels, ten }) =>
      ten ? cifarBatch(labels.map(([c]) => [c % 10])) : cifarBatch(labels.map(([c, f]) => [c, f])),
    );

  for (const s of [spec10, spec100]) {
    it(`parses or refuses ${s.format} files with a DatasetError naming the file`, () => {
      const stats = fuzzReader(
        s.format,
        fc.oneof(mutated(batches), randomBytes()),
        RUNS,
        (bytes, file) => parseCifarFile(bytes, file, s),
        {
          ours,
          outputBytes: (ds) => ds.labels.byteLength,
          maxOutputBytes: (n) => 4 * n,
        },
      );
      expect(stats.inputs).toBe(RUNS);
      expect(stats.refused).toBeGreaterThan(0);
    });
  }
});
