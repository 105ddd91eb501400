import { InvertedResidual, summarize } from '@igcnet/layers';
import { describe, expect, it } from 'vitest';
import { mobilePlan } from '../igcv3/config.js';
import { parseModelName } from './names.js';
import { referenceFor } from './reference.js';
import { createModel, listModels, modelEntry } from './registry.js';

/**
 * The official genNet (homles11/IGCV3 symbols/igcv3.py, symbols/mobilenetv2.py) transcribed
 * line by line, counting as it goes, with no code shared with the zoo: conv weights
 * (cout·cin/groups·k²), BN γ and β (2 per channel), the FC with bias, and multiply-adds (conv
 * weights × output positions, FC in × out). Python 2's round is half away from zero.
 */
function officialCounts(
  family: 'igcv3' | 'mobilenetv2',
  m: number,
  classes: number,
  cifar: boolean,
): { params: number; withBn: number; macs: number } {
  const round = (x: number) => Math.floor(x + 0.5);
  const table =
    family === 'igcv3'
      ? [
          [1, 16, 1, 1],
          [6, 24, 4, 2],
          [6, 32, 6, 2],
          [6, 64, 8, 2],
          [6, 96, 6, 1],
          [6, 160, 6, 2],
          [6, 320, 1, 1],
        ]
      : [
          [1, 16, 1, 1],
          [6, 24, 2, 2],
          [6, 32, 3, 2],
          [6, 64, 4, 2],
          [6, 96, 3, 1],
          [6, 160, 3, 2],
          [6, 320, 1, 1],
        ];
  let params = 0;
  let bn = 0;
  let macs = 0;
  let size = cifar ? 32 : 224;
  let channels = 3; // what the data carries (MXNet infers a conv's input from it)
  const unit = (cout: number, k: number, groups: number, stride: number) => {
    size = Math.floor((size + 2 * Math.floor(k / 2) - k) / stride) + 1;
    const w = cout * (channels / groups) * k * k;
    params += w;
    macs += w * size * size;
    bn += 2 * cout;
    channels = cout;
  };
  const g = family === 'igcv3' ? 2 : 1;
  let firstC = round(32 * m);
  if (family === 'igcv3' && firstC % 2 !== 0) firstC += 1;
  unit(firstC, 3, 1, cifar ? 1 : 2);
  let inC = firstC;
  table.forEach(([t, c0, n, s], i) => {
    let c = round(c0! * m);
    if (family === 'igcv3' && c % 2 !== 0) c += 1;
    const stride = cifar && i === 1 ? 1 : s!;
    for (let b = 0; b < n!; b++) {
      const e = round((b === 0 ? inC : c) * t!);
      unit(e, 1, g, 1);
      unit(e, 3, e, b === 0 ? stride : 1);
      unit(c, 1, g, 1);
    }
    if (family === 'igcv3') {
      inC = round(c * m);
      if (inC % 2 !== 0) inC = c + 1;
    } else inC = round(c0! * m);
  });
  let last = 1280;
  if (m > 1) last = family === 'igcv3' ? Math.trunc(1280 * m) + 1 : Math.trunc(1280 * m);
  unit(last, 1, 1, 1);
  params += channels * classes + classes;
  macs += channels * classes;
  return { params, withBn: params + bn, macs };
}

function built(name: string, numClasses: number) {
  const entry = modelEntry(name);
  const model = createModel(name, { numClasses, init: 'zeros' });
  try {
    return summarize(model, entry.inputShape);
  } finally {
    model.dispose();
  }
}

describe('IGCV3-D and MobileNetV2 counts, exact to the official code', () => {
  const listed = listModels().filter((e) => /^(igcv3|mobilenetv2)-/.test(e.name));
  it('lists the eight nets of the issue', () => {
    expect(listed.map((e) => e.name)).toEqual([
      'igcv3-imagenet',
      'igcv3-imagenet-w0.75',
      'igcv3-imagenet-w0.5',
      'igcv3-cifar',
      'igcv3-cifar-w0.7',
      'igcv3-cifar-w0.5',
      'mobilenetv2-imagenet',
      'mobilenetv2-cifar',
    ]);
  });

  it('IGCV3-D 1.0× on ImageNet: 3,427,144 parameters, 3,491,688 with BN, 312,970,176 MACs', () => {
    const s = built('igcv3-imagenet', 1000);
    expect([s.params, s.paramsWithBn, s.macs]).toEqual([3_427_144, 3_491_688, 312_970_176]);
  });

  for (const e of listed) {
    it(`${e.name}: the built net, the transcription and the reference agree`, () => {
      const p = parseModelName(e.name);
      if (p.kind !== 'mobile') throw new Error('not a mobile net');
      const { family, width } = p.config;
      const cifar = e.dataset === 'cifar';
      const want = officialCounts(family, width, e.numClasses, cifar);
      const s = built(e.name, e.numClasses);
      expect({ params: s.params, withBn: s.paramsWithBn, macs: s.macs }).toEqual(want);
      const ref = referenceFor(e.name)!;
      expect(Number(ref.params!.text)).toBe(want.params);
      expect(Number(ref.paramsWithBn!.text)).toBe(want.withBn);
      expect(Number(ref.macs!.text)).toBe(want.macs);
      if (cifar) {
        const c100 = officialCounts(family, width, 100, true).params;
        expect(built(e.name, 100).params).toBe(c100);
        expect(Number(ref.paramsC100!.text)).toBe(c100);
      }
    });
  }

  for (const name of ['igcv3-imagenet-w1.4', 'igcv3-cifar-w0.25', 'mobilenetv2-imagenet-w1.3']) {
    it(`${name} (unlisted, multiplier quirks above and below 1) matches the transcription`, () => {
      const p = parseModelName(name);
      if (p.kind !== 'mobile') throw new Error('not a mobile net');
      const want = officialCounts(p.config.family, p.config.width, 10, p.dataset === 'cifar');
      const s = built(name, 10);
      expect({ params: s.params, withBn: s.paramsWithBn, macs: s.macs }).toEqual(want);
    });
  }
});

describe('IGCV3 widths and structure', () => {
  it('keeps the multiplier quirk in the first block of a stage', () => {
    // m = 0.75: stage 1 ends with c = 12; in_c = round(12·0.75) = 9 is odd, so in_c = 12 + 1 = 13
    // and stage 2's first block expands to round(13·6) = 78, not 12·6 = 72, from 12 inputs.
    const plan = mobilePlan('igcv3', 0.75);
    expect(plan.stem).toBe(24);
    expect(plan.stages.map((s) => s.channels)).toEqual([12, 18, 24, 48, 72, 120, 240]);
    expect(plan.stages.map((s) => s.firstExpanded)).toEqual([24, 78, 84, 108, 216, 324, 540]);
    expect(plan.stages.map((s) => s.expanded)).toEqual([12, 108, 144, 288, 432, 720, 1440]);
    expect(plan.head).toBe(1280);
    const model = createModel('igcv3-imagenet-w0.75', { init: 'zeros' });
    const first = model.stages
      .at(1)
      .namedModules()
      .find(([, m]) => m instanceof InvertedResidual)!;
    const block = first[1] as InvertedResidual;
    expect([block.inChannels, block.expandedChannels, block.outChannels]).toEqual([12, 78, 18]);
    model.dispose();
    // With m = 1 the rule is the plain one, and above 1 the head is int(1280·m) + 1.
    const one = mobilePlan('igcv3', 1);
    expect(one.stages.map((s) => s.firstExpanded)).toEqual([32, 96, 144, 192, 384, 576, 960]);
    expect(mobilePlan('igcv3', 1.4).head).toBe(1793);
    expect(mobilePlan('mobilenetv2', 1.4).head).toBe(1792);
  });

  it('CIFAR: stem and the 24-channel stage at stride 1, a 4×4 last map, dropout 0.2', () => {
    const model = createModel('igcv3-cifar', { init: 'zeros' });
    expect(model.spec.stages.map((s) => s.stride)).toEqual([1, 1, 2, 2, 1, 2, 1]);
    const s = summarize(model, [3, 32, 32]);
    expect(s.rows.find((r) => r.name === 'head.conv')!.outShape).toEqual([1280, 4, 4]);
    expect(model.dropout?.rate).toBe(0.2);
    expect(model.namedChildren().map(([n]) => n)).toEqual([
      'stem',
      'stages',
      'head',
      'pool',
      'flatten',
      'dropout',
      'fc',
    ]);
    model.dispose();
    const imagenet = createModel('igcv3-imagenet', { init: 'zeros' });
    expect(imagenet.dropout).toBeUndefined();
    expect(imagenet.spec.stages.map((st) => st.stride)).toEqual([1, 2, 2, 2, 1, 2, 1]);
    expect(
      summarize(imagenet, [3, 224, 224]).rows.find((r) => r.name === 'head.conv')!.outShape,
    ).toEqual([1280, 7, 7]);
    imagenet.dispose();
  });

  it('the second permutation is an option, off by default, with the same counts', () => {
    const a = createModel('igcv3-cifar-w0.5', { init: 'zeros' });
    const b = createModel('igcv3-cifar-w0.5', { init: 'zeros', secondPermutation: true });
    expect(a.toString()).not.toContain('permuteBack');
    expect(b.toString()).toContain('(permuteBack): Interleave(groups=4)');
    expect(summarize(a, [3, 32, 32]).params).toBe(summarize(b, [3, 32, 32]).params);
    a.dispose();
    b.dispose();
    expect(() => createModel('mobilenetv2-cifar', { secondPermutation: true })).toThrow(
      'IGCV3 nets only',
    );
    expect(() => createModel('igc-l4m8-d8', { dropout: 0.5 })).toThrow(
      'apply to IGCV3 and MobileNetV2 nets only',
    );
  });
});

describe('IGCV3 names', () => {
  it('parses widths and refuses absurd ones', () => {
    expect(parseModelName('igcv3-imagenet')).toEqual({
      kind: 'mobile',
      dataset: 'imagenet',
      config: { family: 'igcv3', dataset: 'imagenet', width: 1 },
    });
    expect(modelEntry('IGCV3-CIFAR-W0.50').name).toBe('igcv3-cifar-w0.5');
    expect(modelEntry('igcv3-cifar-w1.0').name).toBe('igcv3-cifar');
    expect(modelEntry('mobilenetv2-cifar').title).toBe('MobileNetV2 1.0× (CIFAR)');
    expect(modelEntry('igcv3-imagenet-w0.75').title).toBe('IGCV3-D 0.75× (ImageNet)');
    for (const bad of [
      'igcv3-cifar-w0',
      'igcv3-cifar-w0.1',
      'igcv3-imagenet-w1000',
      'igcv3-cifar-w5',
    ])
      expect(() => parseModelName(bad)).toThrow(/the width multiplier must be in \[0\.25, 4\]/);
    expect(() => parseModelName('igcv3-cifar-w0.12345')).toThrow(/at most 3 decimals/);
    expect(() => parseModelName('igcv3-svhn')).toThrow(/unknown model/);
  });
});
