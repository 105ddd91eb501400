import { describe, expect, it } from 'vitest';
import { modelFromCheckpointMeta, type StoredShapes } from './checkpoint-config.js';
import { createModel } from './registry.js';

/** The shapes a real checkpoint of this model stores. */
function shapesOf(name: string, numClasses = 10, inChannels = 3): StoredShapes {
  const m = createModel(name, { numClasses, inChannels, init: 'zeros' });
  try {
    return new Map(
      [...m.namedParameters(), ...m.namedBuffers()].map(([n, v]) => [n, { shape: [...v.shape] }]),
    );
  } finally {
    m.dispose();
  }
}

const SRC = '/runs/x/checkpoint.safetensors';

describe('modelFromCheckpointMeta', () => {
  const stored = shapesOf('igc-l4m8-d8');

  it('accepts metadata that matches the tensors, with defaults for absent keys', () => {
    expect(
      modelFromCheckpointMeta(SRC, { model: 'igc-l4m8-d8', config: { numClasses: 10 } }, stored),
    ).toMatchObject({ name: 'igc-l4m8-d8', numClasses: 10, inChannels: 3 });
    expect(
      modelFromCheckpointMeta(SRC, { model: 'igc-l4m8-d8', config: {} }, stored),
    ).toMatchObject({ numClasses: 10, inChannels: 3 });
  });

  for (const [what, model, config, message] of [
    [
      'a giant numClasses',
      'igc-l4m8-d8',
      { numClasses: 2_000_000_000 },
      "checkpoint metadata 'config.numClasses' is 2000000000 but the stored classifier fc.weight is [10,128]: expected 10",
    ],
    [
      'a giant inChannels',
      'igc-l4m8-d8',
      { inChannels: 500_000_000 },
      "checkpoint metadata 'config.inChannels' is 500000000 but the stored stem convolution stem.conv.weight is [32,3,3,3]: expected 3",
    ],
    [
      'a giant zoo name',
      'regconv-w100000-d20',
      {},
      "checkpoint metadata 'model' 'regconv-w100000-d20' has 400000 classifier features but the stored fc.weight is [10,128]",
    ],
    [
      'an unknown name',
      'resnet50',
      {},
      "checkpoint metadata 'model' is not a zoo model: unknown model 'resnet50'. Names:",
    ],
    ['a missing name', undefined, {}, "checkpoint metadata 'model' must be a zoo name"],
    [
      'a fractional numClasses',
      'igc-l4m8-d8',
      { numClasses: 2.5 },
      "checkpoint metadata 'config.numClasses' must be a positive integer, got 2.5",
    ],
    [
      'a string inChannels',
      'igc-l4m8-d8',
      { inChannels: '3' },
      'checkpoint metadata \'config.inChannels\' must be a positive integer, got "3"',
    ],
  ] as const) {
    it(`names the key for ${what}, in one line`, () => {
      const run = () => modelFromCheckpointMeta(SRC, { model, config }, stored);
      expect(run).toThrow(`${SRC}: ${message}`);
      try {
        run();
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    });
  }

  it('bounds the size when the tensors that would show the mismatch are absent', () => {
    expect(() =>
      modelFromCheckpointMeta(
        SRC,
        { model: 'igc-l4m8-d8', config: { numClasses: 2e9 } },
        new Map(),
      ),
    ).toThrow(/checkpoint metadata 'model' model 'igc-l4m8-d8' .* over the limit of 250,000,000/);
  });
});
