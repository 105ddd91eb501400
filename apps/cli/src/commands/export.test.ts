import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NORMALIZATION } from '@igcnet/datasets';
import { createModel } from '@igcnet/models';
import { saveCheckpoint } from '@igcnet/trainer/node';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { tempDir } from './test-fixtures.js';

const META = { epoch: 1, step: 10, seed: 2 };

describe('igc export', () => {
  it('exports a freshly initialised, seeded model and prints the JSON summary', async () => {
    const dir = await tempDir();
    const io = memoryIo(dir);
    const argv = ['export', '--model', 'igc-l4m8-d8', '--seed', '3', '--num-classes', '5'];
    expect(await main([...argv, '--onnx', 'a.onnx', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]!);
    expect(r).toEqual({
      onnx: join(dir, 'a.onnx'),
      model: 'igc-l4m8-d8',
      opset: 17,
      bytes: (await readFile(join(dir, 'a.onnx'))).length,
      inputs: [{ name: 'input', shape: ['batch', 3, 32, 32] }],
      outputs: [{ name: 'logits', shape: ['batch', 5] }],
      dataset: 'cifar10',
      normalization: NORMALIZATION.cifar10,
    });
    // Same seed, same bytes.
    expect(await main([...argv, '--onnx', 'b.onnx'], memoryIo(dir))).toBe(0);
    expect(await readFile(join(dir, 'b.onnx'))).toEqual(await readFile(join(dir, 'a.onnx')));
    const text = memoryIo(dir);
    expect(
      await main(['export', '--model', 'resnet18', '--input-size', '64', '--onnx', 'r.onnx'], text),
    ).toBe(0);
    expect(text.stdout[0]).toMatch(/^wrote .*r\.onnx \(\d+\.\d\d MB\): resnet18, ONNX opset 17\n/);
    expect(text.stdout[0]).toContain('input [batch, 3, 64, 64] → logits [batch, 1000]');
  });

  it('exports a checkpoint with its dataset and normalisation', async () => {
    const dir = await tempDir();
    const model = createModel('igc-l24m2-ident-d8', { numClasses: 100, seed: 1 });
    await saveCheckpoint(join(dir, 'c.safetensors'), model, undefined, {
      model: 'igc-l24m2-ident-d8',
      config: { numClasses: 100, inChannels: 3 },
      ...META,
      extra: { dataset: 'cifar100' },
    });
    model.dispose();
    const io = memoryIo(dir);
    expect(
      await main(['export', '--checkpoint', 'c.safetensors', '--onnx', 'out/m.onnx', '--json'], io),
    ).toBe(0);
    const dyn = memoryIo(dir);
    expect(
      await main(
        ['export', '--checkpoint', 'c.safetensors', '--onnx', 'd.onnx', '--dynamic-size', '--json'],
        dyn,
      ),
    ).toBe(0);
    expect(JSON.parse(dyn.stdout[0]!).inputs).toEqual([
      { name: 'input', shape: ['batch', 3, 'height', 'width'] },
    ]);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({
      model: 'igc-l24m2-ident-d8',
      outputs: [{ name: 'logits', shape: ['batch', 100] }],
      dataset: 'cifar100',
      normalization: NORMALIZATION.cifar100,
    });
    expect(existsSync(join(dir, 'out', 'm.onnx'))).toBe(true);
    expect(io.stderr).toEqual([]);
  });

  it('explains a checkpoint that does not match its model and writes nothing', async () => {
    const dir = await tempDir();
    // Same stem and classifier widths as igc-l4m8-d8, so only the body's keys differ.
    const other = createModel('regconv-w32-d8', { init: 'zeros' });
    await saveCheckpoint(join(dir, 'c.safetensors'), other, undefined, {
      model: 'igc-l4m8-d8',
      config: {},
      ...META,
    });
    other.dispose();
    const io = memoryIo(dir);
    expect(await main(['export', '--checkpoint', 'c.safetensors', '--onnx', 'm.onnx'], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/checkpoint does not match the model: missing keys: /);
    expect(io.stderr.join('\n')).toMatch(/unexpected keys: .*stages\.0\.blocks\.0\.conv\.weight/);
    expect(await readdir(dir)).toEqual(['c.safetensors']);
  });

  it('rejects bad combinations of options', async () => {
    const cases: [string[], RegExp][] = [
      [['--onnx', 'm.onnx'], /exactly one of --checkpoint FILE and --model NAME/],
      [['--model', 'resnet18', '--checkpoint', 'c', '--onnx', 'm'], /exactly one of/],
      [['--model', 'resnet18'], /--onnx FILE is required/],
      [['--checkpoint', 'c', '--seed', '1', '--onnx', 'm'], /--seed comes from the checkpoint/],
      [
        ['--model', 'resnet18', '--seed', '1.5', '--onnx', 'm'],
        /--seed must be a whole number from 0 to 4294967295, got '1.5'/,
      ],
      [
        ['--model', 'resnet18', '--input-size', '0', '--onnx', 'm'],
        /--input-size must be a whole number from 1 to 4096, got '0'/,
      ],
    ];
    for (const [argv, message] of cases) {
      const io = memoryIo(await tempDir());
      expect(await main(['export', ...argv], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
    }
  });
});
