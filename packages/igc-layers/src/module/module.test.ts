import { dispose, memory, ones, randomNormal, type Tensor, tidy, zeros } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../layers/batchnorm2d.js';
import { Conv2d } from '../layers/conv2d.js';
import { Flatten } from '../layers/flatten.js';
import { Linear } from '../layers/linear.js';
import { ReLU } from '../layers/relu.js';
import { Sequential } from '../layers/sequential.js';
import { Module } from './module.js';

class Net extends Module {
  readonly features = this.registerModule(
    'features',
    new Sequential(new Conv2d(3, 4, { kernelSize: 3, padding: 1 }), new BatchNorm2d(4), new ReLU()),
  );
  readonly flatten = this.registerModule('flatten', new Flatten());
  readonly head = this.registerModule('head', new Linear(4 * 5 * 5, 2));
  forward(x: Tensor): Tensor {
    return tidy(() => this.head.forward(this.flatten.forward(this.features.forward(x))));
  }
}

function build(): Sequential {
  return new Sequential(
    ['conv', new Conv2d(3, 4, { kernelSize: 3, padding: 1, bias: true })],
    ['bn', new BatchNorm2d(4)],
    ['relu', new ReLU()],
  );
}

describe('Module', () => {
  it('names parameters and buffers with dotted paths in registration order', () => {
    const outer = new Sequential(build(), build());
    expect(outer.namedParameters().map(([n]) => n)).toEqual([
      '0.conv.weight',
      '0.conv.bias',
      '0.bn.weight',
      '0.bn.bias',
      '1.conv.weight',
      '1.conv.bias',
      '1.bn.weight',
      '1.bn.bias',
    ]);
    expect(outer.namedBuffers().map(([n]) => n)).toEqual([
      '0.bn.running_mean',
      '0.bn.running_var',
      '1.bn.running_mean',
      '1.bn.running_var',
    ]);
    expect(outer.parameters()).toHaveLength(8);
    expect(outer.numParameters()).toBe(2 * (4 * 3 * 9 + 4 + 8));
    expect([...outer.stateDict().keys()]).toHaveLength(12);
    outer.nameVariables('net');
    expect(outer.parameters()[0]!.name).toBe('net.0.conv.weight');
    outer.dispose();
  });

  it('switches train and eval mode over the whole tree', () => {
    const m = new Sequential(build());
    expect(m.namedModules().every(([, x]) => x.training)).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.namedModules().every(([, x]) => !x.training)).toBe(true);
    m.train();
    expect(m.namedModules().every(([, x]) => x.training)).toBe(true);
    m.dispose();
  });

  it('round-trips a state dict and reports missing and unexpected keys', () => {
    const a = build();
    const b = build();
    b.loadStateDict(a.stateDict());
    for (const [k, v] of a.stateDict()) {
      expect(Array.from(b.stateDict().get(k)!.dataSync())).toEqual(Array.from(v.dataSync()));
    }
    const sd = new Map<string, Tensor>(a.stateDict());
    sd.delete('bn.running_var');
    const extra = zeros([1]);
    sd.set('bn.extra', extra);
    expect(() => b.loadStateDict(sd)).toThrow(
      /missing keys: bn\.running_var; unexpected keys: bn\.extra/,
    );
    expect(b.loadStateDict(sd, { strict: false })).toEqual({
      missingKeys: ['bn.running_var'],
      unexpectedKeys: ['bn.extra'],
    });
    const wrong = ones([5]);
    const bad: Record<string, Tensor> = {
      ...Object.fromEntries(a.stateDict()),
      'bn.weight': wrong,
    };
    expect(() => b.loadStateDict(bad)).toThrow(
      /shape mismatch for 'bn.weight': expected \[4\], got \[5\]/,
    );
    extra.dispose();
    wrong.dispose();
    a.dispose();
    b.dispose();
  });

  it('prints a readable tree', () => {
    const m = new Sequential(build());
    expect(m.toString()).toBe(
      [
        'Sequential(',
        '  (0): Sequential(',
        '    (conv): Conv2d(3, 4, kernel=3, padding=1, bias=true)',
        '    (bn): BatchNorm2d(4, eps=0.00001, momentum=0.1)',
        '    (relu): ReLU()',
        '  )',
        ')',
      ].join('\n'),
    );
    m.dispose();
  });

  it('rejects duplicate names and frees everything on dispose', () => {
    const before = memory().numTensors;
    const n = new Net();
    const x = randomNormal([2, 3, 5, 5], { seed: 2 });
    const y = n.forward(x);
    expect(y.shape).toEqual([2, 2]);
    dispose([x, y]);
    expect(memory().numTensors).toBe(before + n.stateDict().size);
    n.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('runs a forward without leaking, inside and outside tidy', () => {
    const m = build();
    const x = randomNormal([2, 3, 5, 5], { seed: 1 });
    const before = memory().numTensors;
    const y = m.forward(x);
    expect(memory().numTensors).toBe(before + 1);
    y.dispose();
    tidy(() => {
      m.forward(x);
    });
    expect(memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });
});
