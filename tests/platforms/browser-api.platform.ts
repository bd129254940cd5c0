// The public browser bundle (index.ts built as dist/jsonlm.browser.mjs is built) imported by a real page in
// headless Chromium: it loads with no resolver and no Node built-ins, instantiates the kernels from the
// inlined WebAssembly (no fetch), gives the same bits as Node for a kernel call, and runs the README's
// two-line extraction (loadModel + extract) to the same JSON as Node.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import * as api from '../../index.js';
import { MODELS, REPO } from '../paths.js';
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
  server = await startServer({ mounts: { '/': dir, '/models/': join(MODELS, 'stories260K') }, idleMs: 120_000 });
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

  test('loadModel + extract through the bundle: the same JSON as Node (sampled, seeded)', async () => {
    const schema = { type: 'object', properties: { hero: { type: 'string', maxLength: 16 }, mood: { enum: ['happy', 'sad', 'scared'] } }, required: ['hero', 'mood'] };
    const args = { text: 'Tom was a small boy. One day he lost his red ball and he was very sad.', schema, options: { temperature: 0.7, seed: 3, maxTokens: 48 } };
    const RUN = `async (m, get, args) => {
      const model = await m.loadModel(m.modelSourceFromBytes(await get('stories260K.bin'), 'stories260K.bin', await get('tok512.bin')));
      const r = await m.extract({ ...args, model });
      return { text: r.text, valid: r.valid, tokens: r.tokens };
    }`;
    const inPage = await page.evaluate(`(${RUN})(window.jsonlm, async (f) => new Uint8Array(await (await fetch('/models/' + f)).arrayBuffer()), ${JSON.stringify(args)})`) as { text: string; valid: boolean; tokens: number };
    const { readFileSync } = await import('node:fs');
    const inNode = await (eval(`(${RUN})`) as (m: unknown, get: (f: string) => Promise<Uint8Array>, a: unknown) => Promise<typeof inPage>)(
      api, async (f) => new Uint8Array(readFileSync(join(MODELS, 'stories260K', f))), args);
    console.log(`bundle extraction: page ${JSON.stringify(inPage)} node ${JSON.stringify(inNode)}`);
    expect(inPage.valid).toBe(true);
    expect(JSON.parse(inPage.text)).toHaveProperty('mood');
    expect(inPage).toEqual(inNode);
  });
});
