import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafeTensorsError } from './errors.js';
import { decodeSafeTensors, encodeSafeTensors, type SafeTensor } from './safetensors.js';

// A few seconds in CI; `pnpm fuzz` sets IGCNET_FUZZ_RUNS for the long run.
const env = Number(process.env.IGCNET_FUZZ_RUNS);
const RUNS = Number.isSafeInteger(env) && env > 0 ? env : 600;
const FILE = '/fuzz/checkpoint.safetensors';

/** Valid files: a few small F32/I32 tensors and string metadata. */
const valid = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
        fc.constantFrom('F32' as const, 'I32' as const),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      ),
      { maxLength: 4 },
    ),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
  )
  .map(([specs, metadata]) => {
    const seen = new Set<string>();
    const tensors: [string, SafeTensor][] = [];
    for (const [name, dtype, shape] of specs) {
      if (name === '__metadata__' || seen.has(name)) continue;
      seen.add(name);
      const n = shape.reduce((a, b) => a * b, 1);
      const data = dtype === 'F32' ? new Float32Array(n).fill(1.5) : new Int32Array(n).fill(-7);
      tensors.push([name, { dtype, shape, data }]);
    }
    return encodeSafeTensors(tensors, metadata);
  });

/** Headers written by hand: wrong types, negative or huge shapes, offsets anywhere. */
const dim = fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constantFrom(1e9, 2 ** 53, 1e300, 0.5));
const entry = fc.record({
  dtype: fc.oneof(
    fc.constantFrom('F32', 'I32', 'F16', 'BF16', 'U8'),
    fc.integer(),
    fc.string({ unit: 'binary' }),
  ),
  shape: fc.oneof(fc.array(dim, { maxLength: 4 }), fc.string()),
  data_offsets: fc.oneof(
    fc.array(fc.oneof(fc.integer({ min: -4, max: 64 }), fc.double()), { maxLength: 3 }),
    fc.constant(null),
  ),
});
const handmade = fc
  .tuple(
    fc.dictionary(
      fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constant('__metadata__')),
      fc.oneof(entry, fc.jsonValue()),
    ),
    fc.uint8Array({ maxLength: 96 }),
    fc.oneof(fc.constant(undefined), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
  )
  .map(([header, data, length]) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  });

/** Up to 4 byte changes and an optional cut. */
const mutated = fc
  .tuple(
    fc.oneof(valid, handmade),
    fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.nat(255)), {
      maxLength: 4,
    }),
    fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  )
  .map(([bytes, edits, cut]) => {
    const b = Uint8Array.from(bytes);
    for (const [at, v] of edits) b[Math.floor(at * b.length)] = v;
    return cut === null ? b : b.subarray(0, Math.floor(cut * b.length));
  });

describe('fuzz: safetensors decoder', () => {
  it('decodes or throws a SafeTensorsError naming the file, quickly and within the input size', () => {
    let decoded = 0;
    let refused = 0;
    let slowest = 0;
    fc.assert(
      fc.property(
        fc.oneof(mutated, valid, handmade, fc.uint8Array({ maxLength: 256 })),
        (bytes) => {
          const t0 = performance.now();
          try {
            const file = decodeSafeTensors(bytes, FILE);
            decoded++;
            let out = 0;
            for (const t of file.tensors.values()) out += t.data.byteLength;
            expect(out).toBeLessThanOrEqual(bytes.length);
          } catch (e) {
            refused++;
            if (!(e instanceof SafeTensorsError) || e.file !== FILE) throw e;
            expect(e.message.startsWith(`${FILE}: invalid safetensors file: `)).toBe(true);
            expect(e.message).not.toContain('\n');
          }
          const ms = performance.now() - t0;
          slowest = Math.max(slowest, ms);
          expect(ms).toBeLessThan(1000);
        },
      ),
      { numRuns: RUNS },
    );
    expect(decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    if (process.env.IGCNET_FUZZ_RUNS !== undefined) {
      console.log(
        `fuzz safetensors: ${decoded + refused} inputs, ${decoded} decoded, ${refused} refused with a named error, slowest ${slowest.toFixed(1)} ms`,
      );
    }
  });
});
