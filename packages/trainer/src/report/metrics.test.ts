import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from './html.js';
import { readMetrics } from './metrics.js';

const good = {
  type: 'epoch',
  epoch: 1,
  lr: 0.1,
  trainLoss: 2.3,
  trainTop1Error: 0.9,
  testLoss: 2.2,
  testTop1Error: 0.8,
  testTop5Error: 0.4,
  images: 64,
  seconds: 1,
  imagesPerSec: 64,
};

async function metricsFile(lines: string[]): Promise<string> {
  const p = join(await mkdtemp(join(tmpdir(), 'igc-metrics-')), 'metrics.jsonl');
  await writeFile(p, `${lines.join('\n')}\n`);
  return p;
}

const without = (key: string) => JSON.stringify({ ...good, [key]: undefined });
const withValue = (key: string, v: unknown) => JSON.stringify({ ...good, [key]: v });

describe('readMetrics names the line and field of a bad metrics.jsonl', () => {
  for (const [what, line, message] of [
    ['null', 'null', '2: expected a JSON object, got null'],
    ['an array', '[1,2]', '2: expected a JSON object, got [1,2]'],
    ['a number', '5', '2: expected a JSON object, got 5'],
    ['a string', '"epoch"', '2: expected a JSON object, got "epoch"'],
    [
      'an unknown type',
      withValue('type', 'banana'),
      "2: field 'type' is \"banana\"; expected 'epoch', 'log'",
    ],
    ['no trainLoss', without('trainLoss'), "2: field 'trainLoss' is missing; expected a number"],
    ['no seconds', without('seconds'), "2: field 'seconds' is missing; expected a number"],
    [
      'no imagesPerSec',
      without('imagesPerSec'),
      "2: field 'imagesPerSec' is missing; expected a number",
    ],
    ['no images', without('images'), "2: field 'images' is missing; expected a number"],
    [
      'a string loss',
      withValue('trainLoss', '2.3'),
      '2: field \'trainLoss\' must be a finite number, got "2.3"',
    ],
    [
      'a string test loss',
      withValue('testLoss', 'abc'),
      '2: field \'testLoss\' must be a finite number, got "abc"',
    ],
    [
      'an object test error',
      withValue('testTop1Error', {}),
      "2: field 'testTop1Error' must be a finite number, got {}",
    ],
    [
      'an error rate above 1',
      withValue('trainTop1Error', 2),
      "2: field 'trainTop1Error' is 2; expected a number from 0 to 1",
    ],
    [
      'a negative count',
      withValue('images', -1),
      "2: field 'images' is -1; expected a number at least 0",
    ],
    [
      'a numeric checkpoint',
      withValue('checkpoint', 7),
      "2: field 'checkpoint' must be a string, got 7",
    ],
  ] as const) {
    it(`${what}`, async () => {
      const p = await metricsFile([JSON.stringify(good), line]);
      const err = await readMetrics(p).then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(err).toBe(`${p}:${message}`);
    });
  }

  it('loads old lines (no type, null optional fields) and renders them', async () => {
    const { type: _t, ...old } = good;
    const p = await metricsFile([
      JSON.stringify(old),
      JSON.stringify({
        ...good,
        epoch: 2,
        testLoss: null,
        testTop1Error: null,
        testTop5Error: null,
      }),
    ]);
    const m = await readMetrics(p);
    expect(m).toHaveLength(2);
    expect(m[1]!.testLoss).toBeUndefined();
    const html = renderReport([{ name: 'old', metrics: { epochs: m, logs: [] }, facts: {} }], {
      title: 't',
    });
    expect(html).toContain('id="report-data"');
  });
});
