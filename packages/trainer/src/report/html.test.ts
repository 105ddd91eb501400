import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochEvent } from '../loop/events.js';
import { renderReport } from './html.js';
import { readMetrics } from './metrics.js';

const ep = (epoch: number, lr: number, err: number): EpochEvent => ({
  type: 'epoch',
  epoch,
  lr,
  trainLoss: 2 / epoch,
  trainTop1Error: err,
  testLoss: 2.2 / epoch,
  testTop1Error: err + 0.01,
  testTop5Error: err / 3,
  images: 100,
  seconds: 1.5,
  imagesPerSec: 66.7,
});

describe('report', () => {
  it('draws loss, error and learning-rate charts with the run facts', () => {
    const html = renderReport([ep(1, 0.1, 0.5), ep(2, 0.1, 0.3), ep(3, 0.01, 0.2)], {
      title: 'run <x>',
      facts: { model: 'igc-l4m8-d8' },
    });
    expect(html).toContain('<title>run &#60;x&#62;</title>');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('final test top-1 error</th><td>21.00%');
    expect(html).toContain('best test top-1 error</th><td>21.00% (epoch 3)');
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+L/);
  });

  it('reads metrics.jsonl and names the bad line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igc-report-'));
    const p = join(dir, 'metrics.jsonl');
    await writeFile(p, `${JSON.stringify(ep(1, 0.1, 0.5))}\n{"epoch": 2}\n`);
    await expect(readMetrics(p)).rejects.toThrow(
      /metrics\.jsonl:2: field 'lr' is missing; expected a number$/,
    );
    await writeFile(p, `${JSON.stringify(ep(1, 0.1, 0.5))}\n`);
    expect((await readMetrics(p))[0]!.epoch).toBe(1);
    await rm(dir, { recursive: true });
  });
});
