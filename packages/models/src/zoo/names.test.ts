import { describe, expect, it } from 'vitest';
import { parseModelName } from './names.js';
import { createModel, listModels, modelEntry } from './registry.js';

describe('model names', () => {
  it('parses the CIFAR grammar', () => {
    expect(parseModelName('igc-l24m2-d20')).toEqual({
      kind: 'cifar',
      dataset: 'cifar',
      config: { unit: { kind: 'igc', L: 24, M: 2 }, ident: false, depth: 20 },
    });
    expect(parseModelName('IGC-L24M2-ident-d38').config).toEqual({
      unit: { kind: 'igc', L: 24, M: 2 },
      ident: true,
      depth: 38,
    });
    expect(parseModelName('regconv-w18-ident-d20').config).toEqual({
      unit: { kind: 'regular', width: 18 },
      ident: true,
      depth: 20,
    });
    expect(parseModelName('resnet18-c69').dataset).toBe('imagenet');
  });

  it('enforces the depth rules and rejects unknown names with the grammar', () => {
    expect(() => parseModelName('igc-l4m8-ident-d21')).toThrow(/6n \+ 2/);
    expect(() => parseModelName('regconv-w16-d9')).toThrow(/3B \+ 2/);
    expect(() => parseModelName('resnet50')).toThrow(
      /unknown model 'resnet50'[\s\S]*igc-l\{L\}m\{M\}/,
    );
    expect(() => parseModelName('igc-l0m8-d8')).toThrow(/at least 1/);
  });

  it('lists 48 CIFAR nets, the 5 ImageNet nets and the 8 IGCV3 and MobileNetV2 nets', () => {
    const all = listModels();
    expect(all).toHaveLength(61);
    expect(new Set(all.map((e) => e.name)).size).toBe(61);
    expect(all.filter((e) => e.dataset === 'imagenet').map((e) => e.name)).toEqual([
      'resnet18',
      'resnet18-c69',
      'igc-l4m32-ident-imagenet',
      'igc-l16m16-ident-imagenet',
      'igc-l100m2-ident-imagenet',
      'igcv3-imagenet',
      'igcv3-imagenet-w0.75',
      'igcv3-imagenet-w0.5',
      'mobilenetv2-imagenet',
    ]);
    expect(
      all.find((e) => e.name === 'igc-l100m2-ident-imagenet')?.reference?.paper?.testTop1,
    ).toBe(26.95);
  });

  it('builds unlisted names too, with numClasses and inChannels', () => {
    expect(modelEntry('igc-l8m4-d14').reference).toBeUndefined();
    const m = createModel('igc-l8m4-d14', { numClasses: 7, inChannels: 1, init: 'zeros' });
    expect(m.outputShape([1, 32, 32])).toEqual([7]);
    expect(m.stem.at(0).toString()).toBe('Conv2d(1, 32, kernel=3, padding=1)');
    m.dispose();
  });
});
