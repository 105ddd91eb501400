import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { tempDir } from './test-fixtures.js';

describe('igc report on a bad metrics.jsonl', () => {
  it('names the line and the field, in one line, and writes no page', async () => {
    const dir = await tempDir();
    const line = { type: 'epoch', epoch: 1, lr: 0.1, trainLoss: 2, trainTop1Error: 0.5 };
    await writeFile(join(dir, 'metrics.jsonl'), `${JSON.stringify(line)}\n`);
    const io = memoryIo(dir);
    expect(await main(['report', '.'], io)).toBe(1);
    expect(io.stderr).toEqual([
      `igc report: ${join(dir, 'metrics.jsonl')}:1: field 'images' is missing; expected a number`,
    ]);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
