/// <reference lib="dom" />
/**
 * Opens report pages in the system's headless Chromium (never a downloaded browser), served from
 * 127.0.0.1, for the tests that look at them as a person would.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

const ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A page of a report file, with the errors it raised and the requests it made. */
export interface OpenedReport {
  page: Page;
  errors: string[];
  /** URLs the page asked for besides itself: none for a self-contained report. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `file` on 127.0.0.1 and opens it in a fresh headless Chromium. */
export async function openReport(
  file: string,
  options: { javaScript?: boolean; width?: number } = {},
): Promise<OpenedReport> {
  const html = await readFile(file);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScript ?? true,
      viewport: { width: options.width ?? 1280, height: 900 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const b = browser;
    return {
      page,
      errors,
      requests,
      close: async () => {
        await b.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
