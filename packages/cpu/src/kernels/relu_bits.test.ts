import { ENGINE, fusedConv2d, relu, step, tensor } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { reluOfBits } from './elementwise.js';

/** float32 tensor with exactly these bit patterns (JS numbers may not keep a NaN's sign). */
function fromBits(bits: number[]) {
  const v = new Float32Array(Int32Array.from(bits).buffer);
  return ENGINE.fromValues(v, [bits.length], 'float32');
}

describe('ReLU and Step on float bits', () => {
  const bits = [
    0xffc00000, 0x7fc00000, 0x80000000, 0, 0xff800000, 0x7f800000, 0xbf800000, 0x3f800000,
  ];
  it('keep every NaN, clear −0 and negatives, keep +∞ and positives', () => {
    expect(bits.map((b) => (reluOfBits(b | 0) >>> 0).toString(16))).toEqual([
      'ffc00000',
      '7fc00000',
      '0',
      '0',
      '0',
      '7f800000',
      '0',
      '3f800000',
    ]);
  });

  it('the Relu and Step kernels, with a negative-signed NaN', () => {
    const x = fromBits(bits);
    // dataSync returns the storage itself, so the NaN's sign survives the read.
    const r = new Int32Array((relu(x).dataSync() as Float32Array).buffer);
    expect(Array.from(r, (v) => (v >>> 0).toString(16))).toEqual([
      'ffc00000',
      '7fc00000',
      '0',
      '0',
      '0',
      '7f800000',
      '0',
      '3f800000',
    ]);
    expect(Array.from(step(x).dataSync())).toEqual([0, 0, 0, 0, 0, 1, 0, 1]);
  });

  it("FusedConv2D's ReLU keeps a NaN the conv made (∞ · 0)", () => {
    const x = tensor(Float32Array.of(Infinity, 1, -2), [1, 1, 1, 3]);
    const w = tensor(Float32Array.of(0), [1, 1, 1, 1]);
    const y = Array.from(fusedConv2d(x, w, { relu: true }).dataSync());
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y.slice(1)).toEqual([0, 0]);
  });
});
