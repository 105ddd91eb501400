/**
 * The same kernels in headless Chromium (WebGPU on SwiftShader, system Chromium, no download):
 * the page is bundled with esbuild, served from 127.0.0.1 (a secure context), and its results
 * must match Node's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tidy } from '@igcnet/tensor';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { expectAgree, useWebGpu } from './util.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let server: Server | undefined;
let profile: string | undefined;

afterAll(() => {
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function serve(): Promise<string> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.contents;
  const html =
    '<!doctype html><meta charset="utf-8"><title>igcnet webgpu</title><script type="module" src="/page.js"></script>';
  server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

interface PageResult {
  adapter?: string;
  fallback?: boolean;
  results?: Record<string, number[][]>;
  error?: string;
}

describe('browser', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'runs the kernels in headless Chromium with the same results as Node',
    async () => {
      const url = await serve();
      profile = mkdtempSync(join(tmpdir(), 'igcnet-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
      });
      let page: PageResult;
      try {
        const tab = context.pages()[0] ?? (await context.newPage());
        const logs: string[] = [];
        tab.on('console', (m) => logs.push(m.text()));
        tab.on('pageerror', (e) => logs.push(String(e)));
        await tab.goto(url);
        await tab.waitForFunction(
          () => (globalThis as { __result?: unknown }).__result !== undefined,
          undefined,
          { timeout: 150_000 },
        );
        page = (await tab.evaluate(
          () => (globalThis as { __result?: unknown }).__result,
        )) as PageResult;
        if (page.error) throw new Error(`page failed: ${page.error}\n${logs.join('\n')}`);
      } finally {
        await context.close();
      }
      expect(page.adapter).toBeTruthy();
      await useWebGpu();
      for (const c of CASES) {
        const outs = tidy(() => c.build());
        const node = [];
        for (const t of outs) {
          node.push(await t.data());
          t.dispose();
        }
        const browser = page.results?.[c.name]?.map((a) => Float32Array.from(a));
        expect(browser, c.name).toBeDefined();
        expectAgree(node, browser!, `browser vs node: ${c.name}`, 1e-5);
      }
    },
  );
});
