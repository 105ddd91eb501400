import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { tempDir } from './test-fixtures.js';

/**
 * Bad numbers are refused before any work starts: exit 2, the option named in one line, and
 * nothing written (no run folder), within moments rather than after an epoch.
 */
describe('numeric options are checked before any work', () => {
  const cases: [string[], RegExp, number?][] = [
    [
      ['train', '--train-limit', '0'],
      /--train-limit must be a whole number from 1 to \d+, got '0'/,
    ],
    [['train', '--train-limit', ''], /--train-limit must be a whole number from 1 to \d+, got ''/],
    [['train', '--train-limit='], /--train-limit must be .*, got ''/],
    [['train', '--test-limit', '0'], /--test-limit must be a whole number from 1 to \d+, got '0'/],
    [['train', '--lr', '0'], /--lr must be a decimal number above 0 up to 10, got '0'/],
    [['train', '--epochs', '1e12'], /--epochs must be a whole number from 1 to 10000, got '1e12'/],
    [['train', '--batch-size', '1e9'], /--batch-size must be a whole number from 1 to 8192/],
    [['train', '--batch-size', '1000000000'], /--batch-size must be .*, got '1000000000'/],
    [['train', '--epochs', '0x10'], /--epochs must be a whole number .*, got '0x10'/],
    [['train', '--seed=-1'], /--seed must be a whole number from 0 to 4294967295/],
    [['train', '--epochs', '3', '--until', '4'], /--until must be at most --epochs \(3\), got 4/],
    [['eval', '--checkpoint', 'x', '--limit', '0'], /--test-limit must be .*, got '0'/],
    // Not usage errors (exit 1), but still refused before the data is opened.
    [['train', '--model', 'resnet50'], /unknown model 'resnet50'/, 1],
    [['train', '--model', 'regconv-w100000-d20'], /over the limit of 250,000,000/, 1],
    [['eval', '--checkpoint', 'x', '--test-limit', '1.5'], /--test-limit must be .*, got '1.5'/],
    [['eval', '--checkpoint', 'x', '--batch-size', '0'], /--batch-size must be .*, got '0'/],
    [['predict', '--checkpoint', 'x', 'a.png', '--top', '0'], /--top must be .*, got '0'/],
    [['info', 'resnet18', '--num-classes', '2000000000'], /--num-classes must be .* 100000/],
    [
      ['export', '--model', 'resnet18', '--onnx', 'x.onnx', '--in-channels', '0x3'],
      /--in-channels must be a whole number from 1 to 1024, got '0x3'/,
    ],
  ];
  for (const [argv, message, code = 2] of cases) {
    it(`igc ${argv.join(' ')}`, async () => {
      const cwd = await tempDir();
      const io = memoryIo(cwd);
      const t0 = performance.now();
      const extra: Record<string, string[]> = {
        train: ['--backend', 'cpu', '--out', 'run'],
        eval: ['--backend', 'cpu'],
        predict: ['--backend', 'cpu'],
      };
      expect(await main([...argv, ...(extra[argv[0]!] ?? [])], io)).toBe(code);
      expect(performance.now() - t0).toBeLessThan(5000);
      const first = io.stderr[0]!.split('\n')[0]!;
      expect(first).toMatch(message);
      expect(existsSync(join(cwd, 'run'))).toBe(false);
      expect(existsSync(join(cwd, 'x.onnx'))).toBe(false);
    });
  }
});
