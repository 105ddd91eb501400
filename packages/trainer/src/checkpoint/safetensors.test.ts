import { describe, expect, it } from 'vitest';
import { decodeSafeTensors, encodeSafeTensors } from './safetensors.js';

function sample(): Uint8Array {
  return encodeSafeTensors(
    [
      ['a', { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['b', { dtype: 'I32', shape: [2], data: Int32Array.from([-7, 9]) }],
    ],
    { note: 'hello' },
  );
}

function withHeader(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips tensors and metadata', () => {
    const f = decodeSafeTensors(sample());
    expect(f.metadata).toEqual({ note: 'hello' });
    expect([...f.tensors.keys()]).toEqual(['a', 'b']);
    expect(f.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(f.tensors.get('a')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(f.tensors.get('b')!.data)).toEqual([-7, 9]);
  });

  it('lays out the file as the reference format: u64 header length, aligned data', () => {
    const buf = sample();
    const n = Number(new DataView(buf.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.b).toEqual({ dtype: 'I32', shape: [2], data_offsets: [24, 32] });
    expect(new Float32Array(buf.slice(8 + n, 8 + n + 8).buffer)[1]).toBe(2);
  });

  it('rejects a truncated file, naming the source', () => {
    const buf = sample();
    expect(() => decodeSafeTensors(buf.subarray(0, buf.length - 4), 'ck.safetensors')).toThrow(
      /ck\.safetensors: .*'b' data_offsets \[24, 32\] fall outside the 28-byte data section/,
    );
    expect(() => decodeSafeTensors(buf.subarray(0, 5), 'x')).toThrow(
      /shorter than the 8-byte header length/,
    );
    expect(() => decodeSafeTensors(buf.subarray(0, 20), 'x')).toThrow(/runs past the end/);
  });

  it('rejects bad headers', () => {
    expect(() => decodeSafeTensors(withHeader('{not json'), 'x')).toThrow(/not valid UTF-8 JSON/);
    expect(() => decodeSafeTensors(withHeader('[1]'), 'x')).toThrow(/not a JSON object/);
    expect(() =>
      decodeSafeTensors(
        withHeader('{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', new Uint8Array(2)),
        'x',
      ),
    ).toThrow(/dtype 'F16'; expected F32 or I32/);
    expect(() =>
      decodeSafeTensors(
        withHeader('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', new Uint8Array(8)),
        'x',
      ),
    ).toThrow(/needs 12 bytes, offsets give 8/);
    const overlap =
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expect(() => decodeSafeTensors(withHeader(overlap, new Uint8Array(8)), 'x')).toThrow(
      /overlap or hole/,
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(() => decodeSafeTensors(huge, 'x')).toThrow(/exceeds/);
  });
});
