import { describe, expect, it } from 'vitest';
import type { KernelImpl } from '../core/backend.js';
import { KERNEL_NAMES, type KernelName } from '../core/kernel_names.js';
import type { TensorInfo } from '../core/tensor_info.js';
import {
  buildKernelTable,
  kernelInputList,
  kernelOutputList,
  mapKernelInputs,
  mapKernelOutputs,
} from './kernels.js';

const info = (tag: string, shape: number[] = [2]): TensorInfo => ({
  dataId: { tag },
  shape,
  dtype: 'float32',
});
const tagOf = (t: TensorInfo): string => (t.dataId as { tag: string }).tag;

describe('buildKernelTable', () => {
  it('asks for every kernel of the contract, and leaves out what it is not given', () => {
    const asked: KernelName[] = [];
    const table = buildKernelTable(<K extends KernelName>(name: K): KernelImpl<K> | undefined => {
      asked.push(name);
      if (name !== 'Identity') return undefined;
      return ({ inputs }) => ('x' in inputs ? info('copy') : info('?'));
    });
    expect(asked).toEqual([...KERNEL_NAMES]);
    expect(Object.keys(table)).toEqual(['Identity']);
  });
});

describe('inputs and outputs of any kernel', () => {
  const x = info('x');
  const w = info('w');
  const bias = info('bias');

  it('lists inputs in contract order, lists flattened, absent ones skipped', () => {
    expect(kernelInputList({ x, w, bias }).map(tagOf)).toEqual(['x', 'w', 'bias']);
    expect(kernelInputList({ x, w, bias: undefined }).map(tagOf)).toEqual(['x', 'w']);
    expect(kernelInputList({ xs: [x, w, bias] }).map(tagOf)).toEqual(['x', 'w', 'bias']);
  });

  it('maps inputs tensor by tensor, keeping the record and its absent entries', () => {
    const seen: string[] = [];
    const mapped = mapKernelInputs('Conv2D', { x, w }, (t, input, i) => {
      seen.push(`${input}#${i}`);
      return info(`${tagOf(t)}'`);
    });
    expect(seen).toEqual(['x#0', 'w#0']);
    expect(tagOf(mapped.x)).toBe("x'");
    expect(tagOf(mapped.w)).toBe("w'");
    expect('bias' in mapped).toBe(false);
    const list = mapKernelInputs('Concat', { xs: [x, w] }, (t, input, i) =>
      info(`${input}${i}${tagOf(t)}`),
    );
    expect(list.xs.map(tagOf)).toEqual(['xs0x', 'xs1w']);
  });

  it('lists and maps outputs of one, several and no tensors', () => {
    expect(kernelOutputList(x).map(tagOf)).toEqual(['x']);
    expect(kernelOutputList([x, w]).map(tagOf)).toEqual(['x', 'w']);
    expect(kernelOutputList([])).toEqual([]);
    expect(tagOf(mapKernelOutputs('Relu', x, (t) => info(`${tagOf(t)}!`)))).toBe('x!');
    const [values, indices] = mapKernelOutputs('TopK', [x, w], (t, i) => info(`${i}${tagOf(t)}`));
    expect([tagOf(values), tagOf(indices)]).toEqual(['0x', '1w']);
    expect(mapKernelOutputs('SGDUpdate', [], (t) => t)).toEqual([]);
  });
});
