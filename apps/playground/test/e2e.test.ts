/**
 * The built app in headless Chromium (the system's, never a download), served from 127.0.0.1
 * with the app's cross-origin isolation headers: once with WebGPU on SwiftShader, once with
 * WebGPU disabled (the CPU backend in the worker). Each run trains a few steps and checks that
 * the loss falls, draws a digit, checks that the page's predictions on fixed MNIST images equal
 * `igc predict`'s for a checkpoint the page downloads and for one `igc train` wrote, and has
 * `igc eval` read the downloaded checkpoint.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliPrediction, igc } from './cli.js';
import { type StaticSite, serveStatic } from './static-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Steps trained in each run, at batch 16 (SwiftShader takes about 2 s a step, more on a busy machine). */
const STEPS = 25;
const BATCH = 16;
/** Fixed images: the first test images of MNIST, as 28×28 grey PNG files. */
const IMAGES = 4;

let dir: string;
let site: StaticSite;
let plainSite: StaticSite;
let images: string[];
let cliCheckpoint: string;
let cliPredictions: CliPrediction[];

async function writeMnistPngs(): Promise<string[]> {
  const idx = gunzipSync(await readFile(join(DIST, 'mnist', 'test-images.idx.gz')));
  return Promise.all(
    Array.from({ length: IMAGES }, async (_, i) => {
      const file = join(dir, `mnist-test-${i}.png`);
      const pixels = idx.subarray(16 + i * 784, 16 + (i + 1) * 784);
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toFile(file);
      return file;
    }),
  );
}

async function cliPredict(checkpoint: string): Promise<CliPrediction[]> {
  const out = await igc(
    ['predict', '--checkpoint', checkpoint, ...images, '--backend', 'cpu', '--json'],
    dir,
  );
  return JSON.parse(out) as CliPrediction[];
}

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error(`${DIST} has no index.html: run pnpm build`);
  dir = await mkdtemp(join(tmpdir(), 'igc-playground-'));
  site = await serveStatic(DIST);
  plainSite = await serveStatic(DIST, false);
  images = await writeMnistPngs();
  // A checkpoint of the CLI, as a user's `igc train` makes it (small: 1,000 images).
  await igc(
    [
      'train',
      '--train-limit',
      '1000',
      '--test-limit',
      '100',
      '--batch-size',
      '32',
      '--out',
      join(dir, 'cli'),
      '--backend',
      'cpu',
      '--json',
    ],
    dir,
  );
  cliCheckpoint = join(dir, 'cli', 'checkpoint.safetensors');
  cliPredictions = await cliPredict(cliCheckpoint);
});

afterAll(async () => {
  await site?.close();
  await plainSite?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The page's state object (see src/main.ts). */
interface PageState {
  losses: number[];
  firstStepMs?: number;
  workerFirstStepMs?: number;
}

async function pageState(page: Page): Promise<PageState> {
  return page.evaluate(
    () => (globalThis as unknown as { __igcPlayground: PageState }).__igcPlayground,
  );
}

async function top5(page: Page): Promise<{ index: number; probability: number }[]> {
  return page.$$eval('#top5 li', (lis) =>
    lis.map((li) => ({
      index: Number((li as HTMLElement).dataset.index),
      probability: Number((li as HTMLElement).dataset.probability),
    })),
  );
}

/** Waits for the next prediction the page shows after `act`. */
async function nextPrediction(
  page: Page,
  act: () => Promise<void>,
): Promise<{ index: number; probability: number }[]> {
  const seq = Number((await page.getAttribute('#top5', 'data-seq')) ?? 0);
  await act();
  await page.waitForFunction(
    (s) => Number(document.getElementById('top5')?.dataset.seq ?? 0) > s,
    seq,
    { timeout: 120_000 },
  );
  return top5(page);
}

async function pagePredictions(page: Page): Promise<{ index: number; probability: number }[][]> {
  const out = [];
  for (const f of images)
    out.push(await nextPrediction(page, () => page.setInputFiles('#image-file', f)));
  return out;
}

/**
 * The page's top 5 equal the CLI's: the same probabilities rank by rank (to 2·10⁻⁵: WebGPU and
 * the CPU round differently), and the same classes except where two probabilities tie within it.
 */
function expectSame(
  page: { index: number; probability: number }[][],
  cli: CliPrediction[],
  what: string,
): void {
  expect(page.length, what).toBe(cli.length);
  page.forEach((p, i) => {
    const c = cli[i]!.predictions;
    expect(p.length, `${what}, image ${i}`).toBe(c.length);
    p.forEach((q, j) => {
      expect(
        Math.abs(q.probability - c[j]!.probability),
        `${what}, image ${i}, rank ${j}`,
      ).toBeLessThan(2e-5);
      if (q.index !== c[j]!.index) {
        const other = c.find((r) => r.index === q.index);
        expect(
          other && Math.abs(other.probability - q.probability),
          `${what}, image ${i}, rank ${j}: class ${q.index} vs ${c[j]!.index}`,
        ).toBeLessThan(2e-5);
      }
    });
  });
}

async function waitForStep(page: Page, n: number): Promise<void> {
  await page.waitForFunction((k) => Number(document.getElementById('step')?.dataset.step) >= k, n, {
    timeout: 480_000,
  });
}

async function drawSeven(page: Page): Promise<void> {
  await page.locator('#sketch').scrollIntoViewIfNeeded();
  const box = (await page.locator('#sketch').boundingBox())!;
  const at = (x: number, y: number) =>
    page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
  await at(0.25, 0.22);
  await page.mouse.down();
  await at(0.75, 0.22);
  await at(0.42, 0.85);
  await page.mouse.up();
}

const NO_WEBGPU = ['--disable-features=WebGPU'];
const VARIANTS = [
  {
    name: 'WebGPU on SwiftShader',
    args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
    backend: 'webgpu',
    isolated: true,
    query: '',
    device: /swiftshader/i,
  },
  {
    name: 'WebGPU disabled: the CPU backend',
    args: NO_WEBGPU,
    backend: 'cpu',
    isolated: true,
    query: '',
    // Cross-origin isolated: the WebAssembly kernels run on worker threads.
    device: /^WebAssembly SIMD, \d+ threads?$/,
  },
  {
    name: 'WebGPU disabled, no cross-origin isolation, plain TypeScript kernels',
    args: NO_WEBGPU,
    backend: 'cpu',
    isolated: false,
    query: '?kernels=ts',
    device: /^plain TypeScript, 1 thread$/,
  },
] as const;

describe.each(VARIANTS)(
  'the playground with $name',
  ({ args, backend, isolated, query, device }) => {
    it.skipIf(!existsSync(CHROMIUM))(
      'trains, predicts, and round-trips checkpoints with the CLI',
      async () => {
        const browser: Browser = await chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          args: [...BASE_ARGS, ...args],
        });
        const errors: string[] = [];
        try {
          const context = await browser.newContext({
            acceptDownloads: true,
            viewport: { width: 1200, height: 1000 },
          });
          const page = await context.newPage();
          page.on('pageerror', (e) => errors.push(String(e)));
          page.on('console', (m) => {
            if (m.type() === 'error') errors.push(m.text());
          });
          const loaded = performance.now();
          await page.goto(`${(isolated ? site : plainSite).url}${query}`);
          await page.waitForSelector('#backend[data-ready="1"]', { timeout: 120_000 });
          expect(await page.getAttribute('#backend', 'data-backend')).toBe(backend);
          const adapter = (await page.getAttribute('#backend', 'data-adapter')) ?? '';
          expect(adapter).toMatch(device);
          if (backend === 'webgpu') expect(await page.isHidden('#webgpu-missing')).toBe(true);
          else {
            expect(await page.textContent('#webgpu-missing')).toMatch(
              /WebGPU is missing: .+Training runs on the CPU backend/,
            );
          }

          // Train a few steps: the loss falls.
          await page.fill('#batch', String(BATCH));
          const clicked = performance.now();
          await page.click('#train-button');
          // Pause holds the run between two steps; Resume goes on.
          await waitForStep(page, 5);
          await page.click('#pause-button');
          await page.waitForSelector('#train-state[data-state="paused"]');
          const held = await page.getAttribute('#step', 'data-step');
          await page.waitForTimeout(3000);
          expect(await page.getAttribute('#step', 'data-step')).toBe(held);
          await page.click('#pause-button');
          await page.waitForSelector('#train-state[data-state="training"]');
          await waitForStep(page, STEPS);
          await page.click('#stop-button');
          await page.waitForSelector('#train-state[data-state="stopped"]', { timeout: 120_000 });
          const s = await pageState(page);
          const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
          const first = mean(s.losses.slice(0, 5));
          const last = mean(s.losses.slice(STEPS - 5, STEPS));
          expect(s.losses.every(Number.isFinite)).toBe(true);
          expect(last, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`).toBeLessThan(first - 0.1);
          const ips = Number(await page.getAttribute('#ips', 'data-value'));
          console.log(
            `${backend} (${adapter}): first step ${(s.firstStepMs! / 1000).toFixed(2)} s after the click (${((clicked - loaded + s.firstStepMs!) / 1000).toFixed(1)} s after opening the page), ${ips.toFixed(1)} images/s over the last 10 steps at batch ${BATCH}; loss ${first.toFixed(3)} → ${last.toFixed(3)}`,
          );

          // Draw a digit: a prediction appears.
          const drawn = await nextPrediction(page, () => drawSeven(page));
          expect(drawn).toHaveLength(5);
          expect(drawn.map((p) => p.probability)).toEqual(
            [...drawn.map((p) => p.probability)].sort((a, b) => b - a),
          );

          // The model trained here, downloaded: igc predict gives the page's predictions, igc eval reads it.
          const inPage = await pagePredictions(page);
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.click('#download-button'),
          ]);
          const exported = join(
            dir,
            `${backend}${query ? '-ts' : ''}-${download.suggestedFilename()}`,
          );
          await download.saveAs(exported);
          expectSame(inPage, await cliPredict(exported), 'the downloaded checkpoint');
          const evaluated = JSON.parse(
            await igc(
              [
                'eval',
                '--checkpoint',
                exported,
                '--test-limit',
                '200',
                '--backend',
                'cpu',
                '--json',
              ],
              dir,
            ),
          ) as { model: string; dataset: string; count: number; loss: number };
          expect(evaluated).toMatchObject({ model: 'igc-l4m4-d8', dataset: 'mnist', count: 200 });
          expect(Number.isFinite(evaluated.loss)).toBe(true);

          // A checkpoint of igc train, loaded in the page: the same predictions as igc predict.
          await page.setInputFiles('#checkpoint-file', cliCheckpoint);
          await page.waitForFunction(
            () =>
              /checkpoint\.safetensors/.test(
                document.getElementById('model-detail')?.textContent ?? '',
              ),
            undefined,
            {
              timeout: 60_000,
            },
          );
          expectSame(await pagePredictions(page), cliPredictions, 'igc train’s checkpoint');

          const shot = process.env.PLAYGROUND_SCREENSHOT;
          if (shot && backend === 'webgpu') {
            await page.click('#clear-button');
            await nextPrediction(page, () => drawSeven(page));
            // A palette PNG: a third of the size of the screenshot's own, for the repository.
            await sharp(await page.screenshot({ fullPage: true }))
              .png({ palette: true, effort: 10 })
              .toFile(shot);
          }
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
        }
      },
    );
  },
);
