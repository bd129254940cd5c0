// The public browser bundle (index.ts built as dist/jsonlm.browser.mjs is built) imported by a real page in
// headless Chromium: it loads with no resolver and no Node built-ins, instantiates the kernels from the
// inlined WebAssembly (no fetch), and gives the same bits as Node for a kernel call.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import * as api from '../../index.js';
import { REPO } from '../paths.js';
import { launchChromium } from './environments.js';
// @ts-ignore: plain ESM helper without types
import { startServer } from '../../scripts/platforms/static-server.mjs';

let dir = '';
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

/** The same computation in both places: softmax of a fixed ramp through the bundle's Kernels. */
const PROBE = `async (m) => {
  const k = await m.Kernels.create();
  const n = 37, p = k.alloc(n * 4), x = k.f32(p, n);
  for (let i = 0; i < n; i++) x[i] = (i * 7 % 11) / 3 - 1.5;
  k.exports.softmax(p, n);
  return Array.from(new Uint32Array(k.memory.buffer, p, n));
}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-api-'));
  await build({ entryPoints: ['index.ts'], outfile: join(dir, 'jsonlm.browser.mjs'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent', absWorkingDir: REPO });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>jsonlm bundle</title>\n' +
    '<script type="module">import * as m from "./jsonlm.browser.mjs"; window.jsonlm = m;</script>\n');
  server = await startServer({ mounts: { '/': dir }, idleMs: 120_000 });
  browser = await launchChromium();
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('public browser bundle in Chromium', () => {
  test('imports, exports what index.ts exports, and computes the same bits as Node', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction('!!window.jsonlm', undefined, { timeout: 30_000 });
    const names = await page.evaluate('Object.keys(window.jsonlm).sort()') as string[];
    console.log(`browser bundle exports: ${names.join(', ')}`);
    expect(names).toEqual(Object.keys(api).sort());
    const inPage = await page.evaluate(`(${PROBE})(window.jsonlm)`) as number[];
    const inNode = await (eval(`(${PROBE})`) as (m: unknown) => Promise<number[]>)(api);
    expect(inPage).toHaveLength(37);
    expect(inPage).toEqual(inNode);
    expect(errors).toEqual([]);
  });
});
