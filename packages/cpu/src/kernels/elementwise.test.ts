import { add, div, ENGINE, mul, relu, step, sub, type Tensor } from '@igcnet/tensor';
import { describe, expect, it } from 'vitest';
import { setCpuKernelOptions } from '../options.js';
import type { CpuData } from '../storage.js';
import { loadWasmKernels } from '../wasm/module.js';

// Large float32 operands run on the wasm elementwise kernels; they must give the plain
// TypeScript loops' bits, special values included, with a length that leaves a scalar tail.
const N = 65536 + 7;

/** Random values in (−8, 8) with NaNs (both signs), ±0, ±∞, subnormals and tiny values mixed in. */
function operand(seed: number): Float32Array {
  const v = new Float32Array(N);
  const bits = new Int32Array(v.buffer);
  const special = [0x7fc00000, 0xffc00000, 0, 0x80000000, 0x7f800000, 0xff800000, 1, 0x80000001];
  let a = seed >>> 0;
  for (let i = 0; i < N; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    if (a % 13 === 0) bits[i] = special[(a >>> 8) % special.length]! | 0;
    else v[i] = (a / 2 ** 31 - 1) * 8;
  }
  return v;
}

function bitsOf(t: Tensor): Int32Array {
  const v = t.dataSync() as Float32Array;
  return new Int32Array(v.buffer, v.byteOffset, v.length);
}

function results(impl: 'ts' | 'wasm'): Int32Array[] {
  setCpuKernelOptions({ impl });
  try {
    const a = ENGINE.fromValues(operand(1), [N], 'float32');
    const b = ENGINE.fromValues(operand(2), [N], 'float32');
    const outs = [add(a, b), sub(a, b), mul(a, b), div(a, b), relu(a), step(a)];
    const k = loadWasmKernels();
    if (impl === 'wasm') {
      // The operands lie in the kernels' memory, so the wasm kernels ran.
      for (const t of outs) expect(k!.heap.owns((t.dataId as CpuData).values)).toBe(true);
    }
    const r = outs.map(bitsOf);
    for (const t of [a, b, ...outs]) t.dispose();
    return r;
  } finally {
    setCpuKernelOptions({ impl: 'auto' });
  }
}

describe.skipIf(!loadWasmKernels())('wasm elementwise kernels', () => {
  it('give the plain TypeScript bits for +, −, ×, ÷, ReLU and Step', () => {
    const ts = results('ts');
    const wasm = results('wasm');
    ['add', 'sub', 'mul', 'div', 'relu', 'step'].forEach((name, i) => {
      const [p, q] = [ts[i]!, wasm[i]!];
      let diff = -1;
      for (let j = 0; j < N && diff < 0; j++) {
        // NaN payloads may differ between the paths; NaN-ness may not.
        const nanP = (p[j]! & 0x7fffffff) > 0x7f800000;
        const nanQ = (q[j]! & 0x7fffffff) > 0x7f800000;
        if (nanP !== nanQ || (!nanP && p[j] !== q[j])) diff = j;
      }
      expect(diff, `${name}: first differing element`).toBe(-1);
    });
  });
});

describe('float32 rows against one element per row', () => {
  const ops = { add, sub, mul, div } as const;
  const apply = {
    add: (x: number, y: number) => x + y,
    sub: (x: number, y: number) => x - y,
    mul: (x: number, y: number) => x * y,
    div: (x: number, y: number) => x / y,
  };
  // [full shape, the other operand's shape]: per channel, per image row, an outer broadcast.
  const cases: [number[], number[]][] = [
    [
      [2, 3, 4, 5],
      [2, 3, 1, 1],
    ],
    [
      [3, 1, 7],
      [3, 1, 1],
    ],
    [
      [4, 6],
      [1, 6],
    ].reverse() as [number[], number[]],
    [
      [5, 9],
      [5, 1],
    ],
  ];
  for (const [full, part] of cases) {
    for (const name of Object.keys(ops) as (keyof typeof ops)[]) {
      it(`${name} of ${full.join('×')} and ${part.join('×')}, both orders, match a direct broadcast`, () => {
        const fv = operand(3).slice(
          0,
          full.reduce((p, d) => p * d, 1),
        );
        const pv = operand(4).slice(
          0,
          part.reduce((p, d) => p * d, 1),
        );
        const f = ENGINE.fromValues(fv, full, 'float32');
        const p = ENGINE.fromValues(pv, part, 'float32');
        const shape = full.map((d, i) => Math.max(d, part[i]!));
        const size = shape.reduce((q, d) => q * d, 1);
        const index = (s: number[], at: number[]) =>
          s.reduce((o, d, i) => o * d + (d === 1 ? 0 : at[i]!), 0);
        const want = [new Float32Array(size), new Float32Array(size)];
        for (let k = 0; k < size; k++) {
          const at: number[] = [];
          let r = k;
          for (let i = shape.length - 1; i >= 0; i--) {
            at[i] = r % shape[i]!;
            r = Math.floor(r / shape[i]!);
          }
          const x = fv[index(full, at)]!;
          const y = pv[index(part, at)]!;
          want[0]![k] = apply[name](x, y);
          want[1]![k] = apply[name](y, x);
        }
        const bits = (v: Float32Array) => new Int32Array(v.buffer, v.byteOffset, v.length);
        expect(bitsOf(ops[name](f, p))).toEqual(bits(want[0]!));
        expect(bitsOf(ops[name](p, f))).toEqual(bits(want[1]!));
      });
    }
  }
});
