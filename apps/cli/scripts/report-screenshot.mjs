#!/usr/bin/env node
// Takes the README's picture of a report page: the top of REPORT.html (run table and charts) in
// the system's headless Chromium, saved as a palette PNG.
//
//   node apps/cli/scripts/report-screenshot.mjs REPORT.html OUT.png [HEIGHT]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import sharp from 'sharp';

const [file, out, height = '1060'] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: report-screenshot.mjs REPORT.html OUT.png [HEIGHT]');
  process.exit(2);
}
const html = readFileSync(file);
const server = createServer((_req, res) => res.end(html));
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: Number(height) } });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('.chart canvas');
  const png = await page.screenshot();
  await sharp(png).png({ palette: true, colours: 128, effort: 10 }).toFile(out);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
