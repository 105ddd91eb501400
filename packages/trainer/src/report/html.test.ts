import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochEvent, LogEvent } from '../loop/events.js';
import type { ClientSpec } from './client.js';
import { buildEvalReport, EVAL_FORMAT } from './eval_report.js';
import { readEvalReport, writeEvalReport } from './eval_report_file.js';
import { renderReport } from './html.js';
import { readMetrics, readRunMetrics } from './metrics.js';
import { smoothEma } from './smoothing.js';

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

const logs = (n: number, perEpoch: number): LogEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'log',
    step: (i + 1) * 2,
    epoch: (i + 1) / perEpoch,
    trainLoss: 2 * Math.exp(-i / 20),
    trainTop1Error: 0.9 * Math.exp(-i / 20),
    lr: i < n / 2 ? 0.1 : 0.01,
    gradNorm: 1 + i / n,
    imagesPerSec: 400 + (i % 3),
    steps: 2,
    images: 128,
    seconds: i,
  }));

/** The chart data a page carries. */
function specOf(html: string): ClientSpec {
  const m = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!) as ClientSpec;
}

describe('report page', () => {
  it('draws step-level curves with the test curves per epoch over them', () => {
    const html = renderReport(
      [
        {
          name: 'run <x>',
          metrics: { epochs: [ep(1, 0.1, 0.5), ep(2, 0.01, 0.3)], logs: logs(100, 50) },
          facts: { model: 'igc-l4m8-d8' },
        },
      ],
      { title: 'run <x>' },
    );
    expect(html).toContain('<title>run &#60;x&#62;</title>');
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched when viewed
    const spec = specOf(html);
    expect(spec.charts.map((c) => c.id)).toEqual(['loss', 'error', 'lr', 'speed', 'gradnorm']);
    const loss = spec.charts[0]!.series;
    expect(loss.map((s) => [s.label, s.kind, s.smooth, s.x.length])).toEqual([
      ['train loss', 'step', true, 100],
      ['test loss', 'epoch', false, 2],
    ]);
    expect(loss[1]!.x).toEqual([1, 2]);
    expect(spec.charts[2]!.log).toBe(true);
    // The runs table and the epoch table need no script.
    expect(html).toMatch(/<td>31\.00%<\/td><td>10\.00%<\/td>/);
    expect(html).toContain('<td>31.00% (2)</td>');
  });

  it('falls back to the epoch figures of files without step lines', () => {
    const spec = specOf(
      renderReport([{ name: 'old', metrics: { epochs: [ep(1, 0.1, 0.5)], logs: [] }, facts: {} }], {
        title: 't',
      }),
    );
    expect(spec.charts.map((c) => c.id)).toEqual(['loss', 'error', 'lr', 'speed']);
    expect(spec.charts[0]!.series[0]).toMatchObject({ kind: 'epoch', x: [1], y: [2] });
  });

  it('puts several runs on shared charts and in one table', () => {
    const html = renderReport(
      [
        {
          name: 'igc',
          metrics: { epochs: [ep(1, 0.1, 0.2)], logs: logs(50, 50) },
          facts: { model: 'igc-l4m4-d8', parameters: 1000 },
        },
        {
          name: 'regconv',
          metrics: { epochs: [ep(1, 0.1, 0.3)], logs: logs(50, 50) },
          facts: { model: 'regconv-w16-d8', parameters: 1000 },
        },
      ],
      { title: 'compare', reloadSeconds: 5 },
    );
    const spec = specOf(html);
    expect(spec.runs.map((r) => r.name)).toEqual(['igc', 'regconv']);
    expect(spec.charts[0]!.series.map((s) => s.run)).toEqual([0, 0, 1, 1]);
    expect(html.match(/<tr><th><span class="swatch"/g)).toHaveLength(2);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(spec.watch).toBe(true);
  });

  it('shows the confusion matrix, per-class accuracy and the test images, mistakes first', () => {
    const report = buildEvalReport(
      {
        indices: Int32Array.from([0, 1, 2, 3, 4, 5]),
        labels: Int32Array.from([0, 0, 1, 1, 2, 2]),
        predicted: Int32Array.from([0, 1, 1, 1, 0, 2]),
        confidence: Float32Array.from([0.9, 0.6, 0.99, 0.7, 0.8, 0.5]),
      },
      {
        source: 'train',
        model: 'm',
        dataset: 'mnist',
        split: 'test',
        epoch: 1,
        classNames: ['a', 'b', 'c'],
      },
    );
    expect(report.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(report.top1Error).toBeCloseTo(2 / 6, 12);
    expect(report.samples.map((s) => s.index)).toEqual([4, 1, 5, 3, 0, 2]);
    for (const s of report.samples) s.image = 'data:image/png;base64,AAAA';
    const html = renderReport(
      [{ name: 'r', metrics: { epochs: [ep(1, 0.1, 0.5)], logs: [] }, facts: {}, eval: report }],
      { title: 't' },
    );
    expect(html).toContain('<table class="confusion">');
    expect(html).toMatch(
      /<th>c<\/th><td>2<\/td><td>1<\/td><td><span class="bar"[^>]*><\/span>50\.00%<\/td><td>a \(1\)<\/td>/,
    );
    expect(html.match(/<figure class="sample wrong">/g)).toHaveLength(2);
    expect(html.indexOf('sample wrong')).toBeLessThan(html.indexOf('sample right'));
  });
});

describe('smoothing', () => {
  it('is TensorBoard’s debiased exponential moving average', () => {
    const s = smoothEma([1, 2, 3, null, 4], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(s[2]).toBeCloseTo(2.125 / 0.875, 12);
    expect(s[3]).toBeNull();
    expect(s[4]).toBeCloseTo(3.0625 / 0.9375, 12);
    expect(smoothEma([3, 1], 0)).toEqual([3, 1]);
  });
});

describe('metrics.jsonl and eval.json', () => {
  it('read step lines and epoch lines (with or without a type), naming a bad line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igc-report-'));
    const p = join(dir, 'metrics.jsonl');
    const { type: _t, ...untyped } = ep(1, 0.1, 0.5);
    await writeFile(
      p,
      `${JSON.stringify(logs(1, 2)[0])}\n${JSON.stringify(untyped)}\n{"epoch": 2}\n`,
    );
    await expect(readMetrics(p)).rejects.toThrow(
      /metrics\.jsonl:3: field 'lr' is missing; expected a number$/,
    );
    await writeFile(p, `${JSON.stringify({ ...logs(1, 2)[0], gradNorm: 'x' })}\n`);
    await expect(readRunMetrics(p)).rejects.toThrow(
      /metrics\.jsonl:1: field 'gradNorm' must be a finite number, got "x"$/,
    );
    await writeFile(p, `${JSON.stringify(logs(1, 2)[0])}\n${JSON.stringify(untyped)}\n`);
    const m = await readRunMetrics(p);
    expect(m.logs).toHaveLength(1);
    expect(m.epochs[0]).toMatchObject({ type: 'epoch', epoch: 1 });
    expect((await readMetrics(p))[0]!.epoch).toBe(1);
    await writeFile(p, '');
    await expect(readRunMetrics(p)).rejects.toThrow(/no metrics recorded yet/);
    await rm(dir, { recursive: true });
  });

  it('eval.json round-trips and is checked field by field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igc-eval-'));
    const p = join(dir, 'eval.json');
    const r = buildEvalReport(
      {
        indices: Int32Array.from([7]),
        labels: Int32Array.from([1]),
        predicted: Int32Array.from([0]),
        confidence: Float32Array.from([0.5]),
      },
      {
        source: 'eval',
        model: 'm',
        dataset: 'mnist',
        split: 'test',
        epoch: 2,
        classNames: ['a', 'b'],
      },
    );
    await writeEvalReport(p, r);
    expect(await readEvalReport(p)).toEqual(r);
    await writeFile(
      p,
      JSON.stringify({
        ...r,
        confusion: [
          [0, 0],
          [0, 2],
        ],
      }),
    );
    await expect(readEvalReport(p)).rejects.toThrow(
      /eval\.json: field 'confusion' must be counts summing to 'count' \(1\), not 2/,
    );
    await writeFile(p, JSON.stringify({ ...r, format: 'x' }));
    await expect(readEvalReport(p)).rejects.toThrow(`field 'format' must be '${EVAL_FORMAT}'`);
    await writeFile(p, JSON.stringify({ ...r, samples: [{ ...r.samples[0], predicted: 5 }] }));
    await expect(readEvalReport(p)).rejects.toThrow(/field 'samples\[0\]' must be/);
    await rm(dir, { recursive: true });
  });
});
