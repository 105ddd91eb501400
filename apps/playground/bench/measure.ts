/**
 * The playground's figures (`pnpm --filter @igcnet/playground bench`, after `pnpm build`): the
 * built bundle's sizes (raw and gzip), and for each backend in headless Chromium the time from
 * opening the page to the first training step, from the Train click to it, and the training
 * images/s over steps 6 to 5 + N (the first steps compile pipelines). Prints a Markdown table.
 *
 *   node --import tsx bench/measure.ts [--steps N] [--batch B]
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serveStatic } from '../test/static-server.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  const v = at < 0 ? fallback : Number(args[at + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return v;
};
const STEPS = opt('steps', 10);
const BATCH = opt('batch', 32);
const WARM = 5;
const BASE = ['--no-sandbox', '--disable-background-networking', '--disable-component-update'];

async function bundle(): Promise<void> {
  const assets = join(DIST, 'assets');
  let raw = 0;
  let gz = 0;
  console.log('| file | bytes | gzip |\n| --- | ---: | ---: |');
  for (const f of ['index.html', ...(await readdir(assets)).map((a) => `assets/${a}`)]) {
    if (f.endsWith('.map')) continue;
    const b = await readFile(join(DIST, f));
    const z = gzipSync(b, { level: 9 }).length;
    raw += b.length;
    gz += z;
    console.log(`| ${f} | ${b.length} | ${z} |`);
  }
  console.log(`| the app | ${raw} | ${gz} |\n`);
}

interface Run {
  name: string;
  flags: string[];
  isolated: boolean;
  query?: string;
}

async function measure(site: { url: string }, run: Run): Promise<string> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...BASE, ...run.flags],
  });
  try {
    const page = await browser.newPage();
    const opened = performance.now();
    await page.goto(`${site.url}${run.query ?? ''}`);
    await page.waitForSelector('#backend[data-ready="1"]', { timeout: 120_000 });
    const ready = performance.now();
    const device = await page.getAttribute('#backend', 'data-adapter');
    await page.fill('#batch', String(BATCH));
    const clicked = performance.now();
    await page.click('#train-button');
    await page.waitForFunction(
      (n) => Number(document.getElementById('step')?.dataset.step) >= n,
      WARM + STEPS,
      { timeout: 600_000 },
    );
    await page.click('#stop-button');
    const s = await page.evaluate(
      () =>
        (globalThis as unknown as { __igcPlayground: { stepTimes: number[]; firstStepMs: number } })
          .__igcPlayground,
    );
    const t = s.stepTimes;
    const ips = (STEPS * BATCH * 1000) / (t[WARM + STEPS - 1]! - t[WARM - 1]!);
    const toFirst = (clicked - opened + s.firstStepMs) / 1000;
    return `| ${run.name} | ${device} | ${((ready - opened) / 1000).toFixed(1)} | ${(s.firstStepMs / 1000).toFixed(2)} | ${toFirst.toFixed(1)} | ${ips.toFixed(1)} |`;
  } finally {
    await browser.close();
  }
}

await bundle();
const isolated = await serveStatic(DIST, true);
const plain = await serveStatic(DIST, false);
console.log(`IGC-L4M4-d8, batch ${BATCH}, images/s over steps ${WARM + 1}–${WARM + STEPS}:\n`);
console.log(
  '| backend | device | page ready (s) | Train click → first step (s) | opening → first step (s) | images/s |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
const runs: Run[] = [
  {
    name: 'WebGPU',
    flags: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
    isolated: true,
  },
  { name: 'CPU (isolated)', flags: ['--disable-features=WebGPU'], isolated: true },
  { name: 'CPU (not isolated)', flags: ['--disable-features=WebGPU'], isolated: false },
  {
    name: 'CPU (plain TypeScript)',
    flags: ['--disable-features=WebGPU'],
    isolated: false,
    query: '?kernels=ts',
  },
];
try {
  for (const r of runs) console.log(await measure(r.isolated ? isolated : plain, r));
} finally {
  await isolated.close();
  await plain.close();
}
