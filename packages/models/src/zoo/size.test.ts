import { memory } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { parseModelName } from './names.js';
import { createModel, listModels } from './registry.js';
import { MAX_MODEL_VALUES, modelValuesBound } from './size.js';

/** Values a built model holds: parameters and buffers. */
function actualValues(name: string, numClasses: number, inChannels: number): number {
  const m = createModel(name, { numClasses, inChannels, init: 'zeros' });
  try {
    return [...m.namedParameters(), ...m.namedBuffers()].reduce((n, [, v]) => n + v.size, 0);
  } finally {
    m.dispose();
  }
}

describe('modelValuesBound', () => {
  const extra = ['igc-l8m4-d14', 'regconv-w20-ident-d14', 'igc-l2m16-ident-d32'];
  for (const name of [...listModels().map((e) => e.name), ...extra]) {
    it(`bounds ${name} from above, within the limit`, () => {
      const parsed = parseModelName(name);
      for (const [classes, channels] of [
        [10, 3],
        [100, 1],
      ] as const) {
        const actual = actualValues(name, classes, channels);
        const bound = modelValuesBound(parsed, classes, channels);
        expect(bound).toBeGreaterThanOrEqual(actual);
        // Tight enough to mean something: within 1.5× of the real size.
        expect(bound).toBeLessThan(1.5 * actual);
      }
      // The largest zoo net (IGC-L32M26+Ident., depth 38: 50.1 M) leaves the limit a 4× margin.
      expect(modelValuesBound(parsed, 1000, 3)).toBeLessThan(MAX_MODEL_VALUES / 4);
    });
  }
});

describe('createModel refuses absurd sizes before allocating', () => {
  for (const [name, opts, message] of [
    ['regconv-w100000-d20', {}, /model 'regconv-w100000-d20' \(stem width 100000, depth 20,/],
    ['regconv-w16-d2000000000000', {}, /depth 2000000000000/],
    ['igc-l24m2-d20', { numClasses: 2_000_000_000 }, /2000000000 classes/],
    ['resnet18', { inChannels: 500_000_000 }, /500000000 input channels/],
  ] as const) {
    it(`${name} ${JSON.stringify(opts)}`, () => {
      const before = memory().numTensors;
      const t0 = performance.now();
      expect(() => createModel(name, opts)).toThrow(RangeError);
      expect(() => createModel(name, opts)).toThrow(message);
      expect(() => createModel(name, opts)).toThrow(/over the limit of 250,000,000/);
      expect(memory().numTensors).toBe(before);
      expect(performance.now() - t0).toBeLessThan(1000);
    });
  }
});
