/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientSpec } from '@igcnet/trainer';
import { decodeEvent, readEvalReport, readRecords, readRunMetrics } from '@igcnet/trainer/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, openReport } from '../../test/browser.js';
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

// A slice of the embedded MNIST: 400 training images in batches of 8 make 50 steps, so the
// default interval logs every step; 200 test images.
const RUN = [
  '--backend',
  'cpu',
  '--train-limit',
  '400',
  '--test-limit',
  '200',
  '--batch-size',
  '8',
  '--epochs',
  '1',
];

/** The chart data a report page carries. */
function specOf(html: string): ClientSpec {
  const m = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!) as ClientSpec;
}

async function waitFor<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('telemetry of a short real run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    const a = memoryIo(dir);
    const args = ['train', ...RUN, '--model', 'igc-l4m2-ident-d8', '--out', 'igc'];
    expect(await main([...args, '--tensorboard', 'tb', '--json'], a), a.stderr.join('')).toBe(0);
    const b = memoryIo(dir);
    expect(await main(['train', ...RUN, '--model', 'regconv-w8-d8', '--out', 'reg'], b)).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes step lines, monotone in step, and the test split’s confusion matrix', async () => {
    const m = await readRunMetrics(join(dir, 'igc', 'metrics.jsonl'));
    expect(m.epochs).toHaveLength(1);
    expect(m.logs).toHaveLength(50);
    const steps = m.logs.map((l) => l.step);
    expect(steps).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(m.logs.at(-1)!.epoch).toBe(1);
    for (const l of m.logs) {
      expect(Number.isFinite(l.trainLoss) && l.gradNorm > 0 && l.imagesPerSec > 0).toBe(true);
    }
    const ev = await readEvalReport(join(dir, 'igc', 'eval.json'));
    expect(ev).toMatchObject({ source: 'train', dataset: 'mnist', split: 'test', count: 200 });
    expect(ev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(ev.top1Error).toBeCloseTo(m.epochs[0]!.testTop1Error!, 12);
    expect(ev.samples).toHaveLength(48);
    const png = Buffer.from(ev.samples[0]!.image!.split(',')[1]!, 'base64');
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 28, height: 28 });
  });

  it('writes a TensorBoard event file whose records pass their CRC checks', async () => {
    const [file, ...more] = await readdir(join(dir, 'tb'));
    expect(more).toHaveLength(0);
    expect(file).toMatch(/^events\.out\.tfevents\.\d+\./);
    const path = join(dir, 'tb', file!);
    const events = readRecords(await readFile(path), path).map(decodeEvent);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    const byTag = new Map<string, { step: number; value: number }[]>();
    for (const e of events.slice(1)) {
      for (const v of e.summary!.value) {
        const list = byTag.get(v.tag) ?? [];
        list.push({ step: e.step!, value: v.simpleValue });
        byTag.set(v.tag, list);
      }
    }
    expect([...byTag.keys()].sort()).toEqual([
      'test/loss',
      'test/top1_error',
      'test/top5_error',
      'train/grad_norm',
      'train/images_per_sec',
      'train/loss',
      'train/lr',
      'train/top1_error',
    ]);
    expect(byTag.get('train/loss')!.map((p) => p.step)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const m = await readRunMetrics(join(dir, 'igc', 'metrics.jsonl'));
    expect(byTag.get('test/top1_error')).toEqual([
      { step: 50, value: Math.fround(m.epochs[0]!.testTop1Error!) },
    ]);
  });

  it('reports a run with its step-level chart, and two runs on shared charts', async () => {
    const one = memoryIo(dir);
    expect(await main(['report', 'igc', '--json'], one)).toBe(0);
    const r1 = JSON.parse(one.stdout[0]!);
    expect(r1).toMatchObject({ epochs: 1, runs: [{ name: 'igc', stepLines: 50, eval: true }] });
    const single = specOf(await readFile(r1.report, 'utf8'));
    const train = single.charts.find((c) => c.id === 'loss')!.series[0]!;
    expect(train).toMatchObject({ label: 'train loss', kind: 'step' });
    expect(train.x.length).toBeGreaterThan(40);

    const both = memoryIo(dir);
    expect(await main(['report', 'igc', 'reg', '--out', 'both.html'], both)).toBe(0);
    expect(both.stdout[0]).toMatch(/both\.html \(igc: 1 epochs, 50 step lines; reg: 1 epochs/);
    const html = await readFile(join(dir, 'both.html'), 'utf8');
    expect(html).toContain('igcnet runs: igc vs reg');
    const spec = specOf(html);
    expect(spec.runs.map((r) => r.name)).toEqual(['igc', 'reg']);
    for (const c of spec.charts)
      expect(new Set(c.series.map((s) => s.run))).toEqual(new Set([0, 1]));
    // One row per run in the table of final figures, with the parameter counts to compare.
    expect(html).toMatch(/igc<\/th><td>igc-l4m2-ident-d8<\/td><td>mnist<\/td><td>6,146<\/td>/);
    expect(html).toMatch(/reg<\/th><td>regconv-w8-d8<\/td><td>mnist<\/td><td>19,074<\/td>/);

    const bad = memoryIo(dir);
    expect(await main(['report', 'igc', 'nothing'], bad)).toBe(1);
    expect(bad.stderr.join('')).toMatch(
      /nothing[/\\]metrics\.jsonl: cannot read metrics \(ENOENT\)/,
    );
    expect(await main(['report', 'igc', '--smoothing', '1.5'], memoryIo(dir))).toBe(2);
  });

  it('writes eval.json for a checkpoint with igc eval --report', async () => {
    const io = memoryIo(dir);
    const args = ['eval', '--checkpoint', 'reg/checkpoint.safetensors', '--limit', '100'];
    expect(await main([...args, '--backend', 'cpu', '--report', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]!);
    expect(r.report).toBe(join(dir, 'reg', 'eval.json'));
    const ev = await readEvalReport(r.report);
    expect(ev).toMatchObject({ source: 'eval', model: 'regconv-w8-d8', count: 100, epoch: 1 });
    expect(ev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('regenerates the page while a run writes, until stopped', async () => {
    const live = join(dir, 'live');
    await mkdir(live);
    const lines = (await readFile(join(dir, 'igc', 'metrics.jsonl'), 'utf8')).split('\n');
    await writeFile(join(live, 'metrics.jsonl'), `${lines.slice(0, 10).join('\n')}\n`);
    const stop = new AbortController();
    const io = { ...memoryIo(dir), signal: stop.signal };
    const watching = main(['report', 'live', '--watch', '--interval', '0.05', '--json'], io);
    const page = join(live, 'report.html');
    const points = async () => specOf(await readFile(page, 'utf8')).charts[0]!.series[0]!.x.length;
    expect(
      await waitFor('the first page', async () => ((await points()) === 10 ? 1 : undefined)),
    ).toBe(1);
    expect(await readFile(page, 'utf8')).toContain('<meta http-equiv="refresh" content="1">');
    await appendFile(join(live, 'metrics.jsonl'), `${lines.slice(10, 30).join('\n')}\n`);
    expect(await waitFor('the update', async () => ((await points()) === 30 ? 1 : undefined))).toBe(
      1,
    );
    stop.abort();
    expect(await watching).toBe(0);
    const last = await readFile(page, 'utf8');
    expect(last).not.toContain('http-equiv="refresh"');
    expect(JSON.parse(io.stdout.at(-1)!).runs[0].stepLines).toBe(30);
  });

  it.skipIf(!HAVE_CHROMIUM)(
    'looks right in headless Chromium, and its tables read without JavaScript',
    async () => {
      const file = join(dir, 'both.html');
      const shot = join(dir, 'both.png');
      const r = await openReport(file);
      try {
        await r.page.waitForSelector('#chart-gradnorm canvas');
        expect(r.errors).toEqual([]);
        expect(r.requests).toEqual([]); // self-contained: nothing fetched
        expect(await r.page.locator('.chart canvas').count()).toBe(5);
        // Every chart drew its lines: some canvas pixels are coloured.
        const inked = await r.page.evaluate(() =>
          [...document.querySelectorAll<HTMLCanvasElement>('.chart canvas')].map((c) => {
            const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0 && px[i] !== px[i + 2]) n++;
            return n;
          }),
        );
        for (const n of inked) expect(n).toBeGreaterThan(100);
        const images = await r.page.evaluate(() =>
          [...document.querySelectorAll<HTMLImageElement>('.sample img')].map(
            (i) => i.naturalWidth,
          ),
        );
        expect(images).toHaveLength(96);
        for (const w of images) expect(w).toBe(28);
        // The smoothing control redraws the step-level curves.
        await r.page.locator('#smoothing').fill('0.95');
        expect(await r.page.locator('#smoothing-value').textContent()).toBe('0.950');
        await r.page.screenshot({ path: shot, fullPage: true });
      } finally {
        await r.close();
      }
      const meta = await sharp(shot).metadata();
      expect(meta.width).toBe(1280); // nothing wider than the window
      expect(meta.height).toBeGreaterThan(1500);
      expect((await stat(shot)).size).toBeGreaterThan(50_000);

      const plain = await openReport(file, { javaScript: false });
      try {
        expect(await plain.page.locator('canvas').count()).toBe(0);
        expect(await plain.page.locator('noscript p').isVisible()).toBe(true);
        expect(await plain.page.locator('table.runs tbody tr').count()).toBe(2);
        expect(await plain.page.locator('table.confusion').first().isVisible()).toBe(true);
        await plain.page.screenshot({ path: join(dir, 'plain.png') });
      } finally {
        await plain.close();
      }
    },
    60_000,
  );
});
