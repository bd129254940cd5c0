// The shipped browser bundle (dist/jsonlm.browser.mjs) in headless Chromium loads the bundled default model
// the way a page does: loadDefaultModel({ url }) with a URL relative to the page, where the page serves
// models/default. extract() without a model then uses it and gives the same JSON as Node's packaged model.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { extract, loadDefaultModel } from '../../node.js';
import { REPO } from '../paths.js';
import { launchChromium } from './environments.js';
// @ts-ignore: plain ESM helper without types
import { startServer } from '../../scripts/platforms/static-server.mjs';

let dir = '';
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-default-model-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>jsonlm default model</title>\n' +
    '<script type="module">import * as m from "./jsonlm.browser.mjs"; window.jsonlm = m;</script>\n');
  server = await startServer({
    mounts: { '/': dir, '/jsonlm.browser.mjs': join(REPO, 'dist/jsonlm.browser.mjs'), '/models/default/': join(REPO, 'models/default') },
    idleMs: 120_000,
  });
  browser = await launchChromium();
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('loadDefaultModel in Chromium', () => {
  test('fetches models/default from the page\'s server; extract() without a model equals Node', async () => {
    const schema = { type: 'object', properties: { full_name: { type: 'string' }, age: { type: 'integer' } }, required: ['full_name', 'age'] };
    const text = 'Kenji Tanaka, aged 52, signed up last week.';
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction('!!window.jsonlm', undefined, { timeout: 30_000 });
    const inPage = await page.evaluate(`(async (m) => {
      const before = await m.extract({ text: 'x', schema: { type: 'object' } }).then(() => 'no error', (e) => e.message);
      await m.loadDefaultModel({ url: 'models/default/' });
      const r = await m.extract({ text: ${JSON.stringify(text)}, schema: ${JSON.stringify(schema)} });
      return { before, value: r.value, valid: r.valid };
    })(window.jsonlm)`) as { before: string; value: unknown; valid: boolean };
    const inNode = await extract({ text, schema, model: await loadDefaultModel() });
    expect(inPage.before).toMatch(/no default model loaded/);
    expect(inPage.valid).toBe(true);
    expect(inPage.value).toEqual(inNode.value);
  });
});
