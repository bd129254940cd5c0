// The web page in a real headless Chromium: it is served on 127.0.0.1, a model is picked through the file
// input (stories260K.bin + tok512.bin), the worker loads it, the page's determinism check hashes the logits
// of a fixed prompt (compared with the same trace computed here in Node), and an extraction streams in.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { loadModel } from '../../engine/load-model.js';
import { extract } from '../../extract/extract.js';
import { EXAMPLES } from '../../web/examples.js';
import { modelSourceFromBytes } from '../../weights/load.js';
import { logitsTrace, sha256Hex } from '../../web/logits-trace.js';
import { MODELS, REPO } from '../paths.js';
import { launchChromium } from './environments.js';
// @ts-ignore: plain ESM helper without types
import { startServer } from '../../scripts/platforms/static-server.mjs';

const STORIES = join(MODELS, 'stories260K');
const PROMPT = 'Once upon a time';
const STEPS = 5;

let dir = '';
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The page as `npm run build` makes it (same entry points), into a private folder.
  dir = mkdtempSync(join(tmpdir(), 'jsonlm-web-'));
  await build({
    entryPoints: { app: 'web/app.ts', worker: 'web/worker.ts' }, outdir: dir, bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', logLevel: 'silent', absWorkingDir: REPO,
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(REPO, 'web', f), join(dir, f));
  // As `npm run web` serves it, with stories260K standing in for the bundled default model.
  server = await startServer({ mounts: { '/': dir, '/models/default/': STORIES }, listings: { '/models/default/index.json': STORIES }, idleMs: 240_000 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/`);
  await page.waitForFunction('document.body.dataset.state === "idle"', undefined, { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function waitState(states: string[], timeout = 60_000): Promise<string> {
  await page.waitForFunction((s) => s.includes(document.body.dataset.state ?? ''), states, { timeout });
  const state = await page.evaluate(() => document.body.dataset.state ?? '');
  if (state === 'error') throw new Error(`page error: ${await page.evaluate(() => document.body.dataset.error)}`);
  return state;
}

describe('web page in headless Chromium', () => {
  test('is cross-origin isolated and runs inference in a module worker', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.waitForFunction(() => document.getElementById('isolation')!.classList.contains('ok'), undefined, { timeout: 30_000 });
    expect(await page.textContent('#isolation')).toContain('isolated');
  });

  test('loads stories260K (llama2.c .bin + tokenizer.bin) picked through the file input', async () => {
    await page.setInputFiles('#pick-files', [join(STORIES, 'stories260K.bin'), join(STORIES, 'tok512.bin')]);
    await waitState(['ready', 'error']);
    const info = await page.textContent('#model-info');
    expect(info).toContain('stories260K.bin');
    expect(info).toContain('5 layers · dim 64 · ffn 172');
    expect(info).toContain('8 q / 4 kv');
    expect(await page.isEnabled('#extract')).toBe(true);
  });

  test('the page hashes the same logits as Node for a fixed prompt (int8)', async () => {
    await page.click('details.diagnostics summary');
    await page.fill('#fp-prompt', PROMPT);
    await page.fill('#fp-steps', String(STEPS));
    await page.click('#fp-run');
    await page.waitForFunction(() => !!document.getElementById('fp-result')!.dataset.sha256 || document.body.dataset.state === 'error',
      undefined, { timeout: 60_000 });
    const inPage = await page.evaluate(() => document.getElementById('fp-result')!.dataset.sha256);

    const source = modelSourceFromBytes(readFileSync(join(STORIES, 'stories260K.bin')), 'stories260K.bin', readFileSync(join(STORIES, 'tok512.bin')));
    const model = await loadModel(source, { dtype: 'q8' });
    const prompt = model.tokenizer!.encode(PROMPT);
    const { logits } = logitsTrace(model, prompt, STEPS);
    const inNode = await sha256Hex(logits);
    console.log(`web page logits sha256 (stories260K int8, "${PROMPT}", ${STEPS} steps): page ${inPage} node ${inNode}`);
    expect(inPage).toMatch(/^[0-9a-f]{64}$/);
    expect(inPage).toBe(inNode);
    expect(pageErrors).toEqual([]);
  });

  test('extracts schema-valid JSON in the worker, streamed, the same as Node does', async () => {
    const index = EXAMPLES.findIndex((e) => e.name.includes('stories260K'));
    expect(index).toBeGreaterThanOrEqual(0);
    await page.selectOption('#example', String(index));
    await page.fill('#max-tokens', '64');
    await page.fill('#seed', '7');
    await page.fill('#temperature', '0.9');
    // Count paints of partial JSON (text followed by the streaming cursor) before the final result.
    await page.evaluate(() => {
      const w = window as unknown as { partials: number };
      const out = document.getElementById('output')!;
      w.partials = 0;
      new MutationObserver(() => {
        if (out.querySelector('.cursor') && (out.textContent ?? '').trim().length > 0) w.partials++;
      }).observe(out, { childList: true });
    });
    await page.click('#extract');
    await waitState(['done', 'error'], 120_000);
    const json = await page.evaluate(() => document.getElementById('output')!.dataset.json ?? '');
    const validity = await page.textContent('#validity');
    const tps = Number(await page.textContent('#stat-tps'));
    const prefill = Number(await page.textContent('#stat-prefill'));
    const partials = await page.evaluate(() => (window as unknown as { partials: number }).partials);
    console.log(`web page extraction (stories260K int8, T=0.9 seed 7): ${json}  decode ${tps} tok/s, prefill ${prefill} tok/s, ${partials} partial paints`);

    const value = JSON.parse(json);
    expect(validity).toContain('valid against schema');
    expect(Object.keys(value).sort()).toEqual(['age', 'name', 'pet']);
    expect(Number.isInteger(value.age)).toBe(true);
    expect(tps).toBeGreaterThan(0);
    expect(partials, 'partial JSON painted before the result').toBeGreaterThanOrEqual(1);

    // The same request in Node gives the same JSON.
    const ex = EXAMPLES[index];
    const source = modelSourceFromBytes(readFileSync(join(STORIES, 'stories260K.bin')), 'stories260K.bin', readFileSync(join(STORIES, 'tok512.bin')));
    const model = await loadModel(source, { dtype: 'q8' });
    const inNode = await extract({ text: ex.text, schema: ex.schema, model, options: { maxTokens: 64, seed: 7, temperature: 0.9 } });
    expect(inNode.valid).toBe(true);
    expect(json).toBe(JSON.stringify(inNode.value));
    expect(pageErrors).toEqual([]);
  });

  test('offers the bundled default model and loads it with one click (f32)', async () => {
    expect(await page.isVisible('#use-default')).toBe(true);
    expect(await page.textContent('#use-default')).toMatch(/Use the bundled model \(1\.0 MiB\)/);
    await page.selectOption('#dtype', 'f32');
    await page.click('#use-default');
    await page.waitForFunction(() => (document.getElementById('model-info')!.textContent ?? '').includes('f32'), undefined, { timeout: 60_000 });
    await waitState(['ready', 'error']);
    const info = await page.textContent('#model-info');
    expect(info).toContain('stories260K.bin');
    expect(info).toContain('llama2.c → f32');
    expect(pageErrors).toEqual([]);
  });
});
