/**
 * Property-based fuzzing of the file readers with fast-check: random bytes and valid files
 * mutated the way corruption and hostile edits look (bit flips, boundary integers written over
 * sizes and dims, cuts, insertions, repeats). Every input must parse or throw the reader's own
 * error naming the file, within a time bound and an output-size bound. CI runs a few hundred
 * inputs per reader; `pnpm fuzz` runs many more (IGCNET_FUZZ_RUNS). Not part of the public API.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** Inputs per target: the given number, or IGCNET_FUZZ_RUNS when set (the long run). */
export function fuzzRuns(ci: number): number {
  const env = Number(process.env.IGCNET_FUZZ_RUNS);
  return Number.isSafeInteger(env) && env > 0 ? env : ci;
}

/** Values that break size and offset arithmetic when written over a header field. */
const BOUNDARY = [
  0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
  0xfffffff0, 0xffffffff,
];

type Op =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'word'; at: number; value: number; little: boolean }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; at: number; length: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('byte' as const),
    at: position,
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('word' as const),
    at: position,
    value: fc.oneof(fc.constantFrom(...BOUNDARY), fc.nat()),
    little: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: position,
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

function apply(seed: Uint8Array, ops: readonly Op[]): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const o of ops) {
    const at = Math.floor(o.at * (b.length + 1));
    if (o.kind === 'byte' && at < b.length) b[at] = o.value;
    else if (o.kind === 'word' && at + 4 <= b.length)
      new DataView(b.buffer).setUint32(at, o.value >>> 0, o.little);
    else if (o.kind === 'cut') b = b.subarray(0, at);
    else if (o.kind === 'insert')
      b = Uint8Array.from([...b.subarray(0, at), ...o.bytes, ...b.subarray(at)]);
    else if (o.kind === 'repeat') {
      const piece = b.subarray(at, at + o.length);
      b = Uint8Array.from([...b.subarray(0, at), ...piece, ...b.subarray(at)]);
    }
  }
  return b;
}

/** Valid files from `seeds`, changed by up to 6 mutations (sometimes none). */
export function mutated(seeds: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(seeds, fc.array(op, { maxLength: 6 })).map(([s, ops]) => apply(s, ops));
}

/** Random bytes, or random bytes behind a valid-looking start (so parsing gets past a magic). */
export function randomBytes(prefixes: readonly Uint8Array[] = []): fc.Arbitrary<Uint8Array> {
  const tail = fc.uint8Array({ maxLength: 2048 });
  if (prefixes.length === 0) return tail;
  return fc.oneof(
    tail,
    fc.tuple(fc.constantFrom(...prefixes), tail).map(([p, t]) => Uint8Array.from([...p, ...t])),
  );
}

/** What a fuzz run saw. */
export interface FuzzStats {
  readonly target: string;
  readonly inputs: number;
  readonly parsed: number;
  readonly refused: number;
  readonly slowestMs: number;
}

/** The bounds and error type a reader must respect. */
export interface FuzzContract<T> {
  /** True when `error` is the reader's own error type and names `file`. */
  ours(error: unknown, file: string): boolean;
  /** Bytes the reader's result holds (typed arrays it allocated). */
  outputBytes(result: T): number;
  /** The most output bytes an input of `length` bytes may give. */
  maxOutputBytes(length: number): number;
  /** The most milliseconds one input may take; default 1000 (generous for busy CI machines). */
  maxMs?: number;
}

/**
 * Runs `parse` on `runs` inputs from `inputs`. Each must either return within the time and
 * output bounds or throw the reader's own error naming the file; anything else fails with
 * fast-check's shrunk counterexample and seed. Prints a summary line when IGCNET_FUZZ_RUNS is
 * set (the long run).
 */
export function fuzzReader<T>(
  target: string,
  inputs: fc.Arbitrary<Uint8Array>,
  runs: number,
  parse: (bytes: Uint8Array, file: string) => T,
  contract: FuzzContract<T>,
): FuzzStats {
  const file = `/fuzz/${target}`;
  const maxMs = contract.maxMs ?? 1000;
  let parsed = 0;
  let refused = 0;
  let slowestMs = 0;
  let inputs_ = 0;
  const rss0 = process.memoryUsage().rss;
  fc.assert(
    fc.property(inputs, (bytes) => {
      inputs_++;
      const t0 = performance.now();
      let result: T | undefined;
      let error: unknown;
      try {
        result = parse(bytes, file);
      } catch (e) {
        error = e;
      }
      const ms = performance.now() - t0;
      slowestMs = Math.max(slowestMs, ms);
      expect(ms, `input of ${bytes.length} bytes took ${ms.toFixed(0)} ms`).toBeLessThan(maxMs);
      if (error !== undefined) {
        refused++;
        if (!contract.ours(error, file)) throw error;
        expect((error as Error).message).not.toContain('\n');
        return;
      }
      parsed++;
      expect(contract.outputBytes(result as T)).toBeLessThanOrEqual(
        contract.maxOutputBytes(bytes.length),
      );
    }),
    { numRuns: runs },
  );
  const stats = { target, inputs: inputs_, parsed, refused, slowestMs };
  const grewMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
  expect(grewMb, 'resident memory grew by').toBeLessThan(1024);
  if (process.env.IGCNET_FUZZ_RUNS !== undefined) {
    console.log(
      `fuzz ${target}: ${inputs_} inputs, ${parsed} parsed, ${refused} refused with a named error, slowest ${slowestMs.toFixed(1)} ms, resident memory +${grewMb.toFixed(0)} MB`,
    );
  }
  return stats;
}
