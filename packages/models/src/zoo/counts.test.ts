import { summarize } from '@igcnet/layers';
import { describe, expect, it } from 'vitest';
import { formatLike, referenceFor, referenceNames } from './reference.js';
import { createModel, listModels } from './registry.js';

/** Counts of a built model (zero weights: cheap) for a head size and input. */
function counts(name: string, numClasses: number, input: [number, number, number]) {
  const model = createModel(name, { numClasses, init: 'zeros' });
  try {
    return summarize(model, input);
  } finally {
    model.dispose();
  }
}

describe('exact counts against paper.md §2.3 and §2.4', () => {
  const names = referenceNames();
  it('covers every row of both tables (and the 8 IGCV3/MobileNetV2 nets)', () => {
    expect(names).toHaveLength(33);
    for (const n of names) expect(listModels().some((e) => e.name === n)).toBe(true);
  });

  for (const name of names) {
    it(`${name}`, () => {
      const ref = referenceFor(name)!;
      const entry = listModels().find((e) => e.name === name)!;
      const s = counts(name, entry.numClasses, entry.inputShape);
      expect(formatLike(s.params, ref.params!)).toBe(ref.params!.text);
      expect(formatLike(s.paramsWithBn, ref.paramsWithBn!)).toBe(ref.paramsWithBn!.text);
      expect(formatLike(s.macs, ref.macs!)).toBe(ref.macs!.text);
      if (ref.paramsC100) {
        const s100 = counts(name, 100, entry.inputShape);
        expect(formatLike(s100.params, ref.paramsC100)).toBe(ref.paramsC100.text);
        // The head is the only difference: (C_last + 1)·90 more parameters.
        const last = s.rows.at(-1)!;
        expect(s100.params - s.params).toBe(((last.inShape[0] ?? 0) + 1) * 90);
      }
    });
  }

  it('the two big CIFAR nets match the exact integers', () => {
    expect(counts('igc-l32m26-ident-d20', 10, [3, 32, 32]).params).toBe(24_133_834);
    expect(counts('igc-l16m32-ident-d20', 10, [3, 32, 32]).params).toBe(17_696_266);
  });
});

describe('per-component ImageNet counts (paper.md §2.4)', () => {
  /** Sums parameters of the rows whose name/type match. */
  function byPart(name: string) {
    const s = counts(name, 1000, [3, 224, 224]);
    const sum = (pred: (n: string, t: string) => boolean): number =>
      s.rows.filter((r) => pred(r.name, r.type)).reduce((a, r) => a + r.params, 0);
    return {
      stem: sum((n) => n === 'stem.conv'),
      primary: sum((_n, t) => t === 'PrimaryGroupConv'),
      secondary: sum((_n, t) => t === 'SecondaryGroupConv'),
      threeByThree: sum((n, t) => t === 'Conv2d' && /conv[12]$/.test(n)),
      shortcuts: sum((n) => n.endsWith('shortcut.conv')),
      fc: sum((n) => n === 'fc'),
      bn: s.bnParams,
    };
  }

  it('ResNet-18', () => {
    expect(byPart('resnet18')).toMatchObject({
      threeByThree: 10_985_472,
      shortcuts: 172_032,
      stem: 9_408,
      fc: 513_000,
      bn: 9_600,
    });
  });
  it('ResNet C = 69', () => {
    expect(byPart('resnet18-c69')).toMatchObject({ fc: 553_000, bn: 10_350 });
  });
  it('IGC-L4M32+Ident.', () => {
    expect(byPart('igc-l4m32-ident-imagenet')).toMatchObject({
      primary: 10_985_472,
      secondary: 30_720,
      shortcuts: 172_032,
      stem: 18_816,
      fc: 1_025_000,
      bn: 19_200,
    });
  });
  it('IGC-L16M16+Ident.', () => {
    expect(byPart('igc-l16m16-ident-imagenet')).toMatchObject({
      primary: 10_985_472,
      secondary: 245_760,
      shortcuts: 172_032,
      stem: 37_632,
      fc: 2_049_000,
      bn: 38_400,
    });
  });
  it('IGC-L100M2+Ident. (L doubles, stage-1 projection)', () => {
    expect(byPart('igc-l100m2-ident-imagenet')).toMatchObject({
      primary: 189_000,
      secondary: 6_800_000,
      shortcuts: 3_000,
      stem: 14_700,
      fc: 1_601_000,
      bn: 30_200,
    });
  });
});
