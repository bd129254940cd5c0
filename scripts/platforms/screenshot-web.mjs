#!/usr/bin/env node
// Screenshots the web page (dist/web) in headless Chromium after loading a model and extracting once.
// usage: node scripts/platforms/screenshot-web.mjs [--model FILE [--tokenizer FILE]] [--example N] [--out web/screenshot.png]
// Default: the bundled model (models/default, served and offered as `npm run web` does) on the page's first
// example, a hand-written contact card, so the picture shows what a user gets on text no generator wrote.
// --model FILE loads that file instead (e.g. ../shared/models/stories260K/stories260K.bin --tokenizer ...tok512.bin).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : d; };
const model = args.includes('--model') ? resolve(opt('--model')) : undefined;
const tokenizer = opt('--tokenizer', undefined);
const bundled = join(root, 'models/default');
const out = resolve(opt('--out', join(root, 'web/screenshot.png')));
const example = opt('--example', '0');
if (!existsSync(join(root, 'dist/web/app.js'))) { console.error('dist/web is missing: run `npm run build` first'); process.exit(1); }

const server = await startServer({
  mounts: { '/': join(root, 'dist/web'), '/models/default/': bundled }, listings: { '/models/default/index.json': bundled }, idleMs: 120_000,
});
const browser = await chromium.launch({
  executablePath: process.env.JSONLM_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1480, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.url}/`);
  await page.selectOption('#example', example);
  if (model) {
    await page.setInputFiles('#pick-files', tokenizer ? [model, resolve(tokenizer)] : [model]);
  } else {
    await page.waitForSelector('#use-default:not([hidden])', { timeout: 30_000 });
    await page.click('#use-default');
  }
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), undefined, { timeout: 120_000 });
  if (await page.evaluate(() => document.body.dataset.state) === 'ready') {
    await page.click('#extract');
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), undefined, { timeout: 300_000 });
  }
  console.log(`state: ${await page.evaluate(() => document.body.dataset.state + ' ' + (document.body.dataset.error ?? ''))}`);
  console.log(`output: ${await page.textContent('#output')}`);
  await page.screenshot({ path: out });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
