// The web page in a real headless Chromium: it is served on 127.0.0.1, a model is picked through the file
// input (stories260K.bin + tok512.bin), the worker loads it, the page's determinism check hashes the logits
// of a fixed prompt (compared with the same trace computed here in Node), and an extraction streams in.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { loadModel } from '../../engine/load-model.js';
import { extract } from '../../extract/api.js';
import { EXAMPLES } from '../../web/examples.js';
import { Kernels } from '../../kernels/kernels.js';
import { writeModelGguf } from '../../weights/gguf-convert.js';
import { MemorySink } from '../../weights/gguf-writer.js';
import { hfFolderFiles } from '../../weights/hf-writer.js';
import { closeModelSource, readModelSource } from '../../weights/node-files.js';
import { modelSourceFromBytes } from '../../weights/load.js';
import { randomModel, TINY } from '../../weights/random-model.js';
import { logitsTrace, sha256Hex } from '../../web/logits-trace.js';
import { MODELS, REPO } from '../paths.js';
import { launchChromium, run } from './environments.js';
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

/** Runs a UI action that loads a model and waits for the page to settle on the new one. */
async function loadModelVia(action: () => Promise<void>): Promise<void> {
  await page.evaluate(() => { document.body.dataset.state = 'test:waiting'; });
  await action();
  await waitState(['ready', 'error'], 120_000);
}

describe('web page in headless Chromium', () => {
  test('is cross-origin isolated and runs inference in a module worker', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.waitForFunction(() => document.getElementById('isolation')!.classList.contains('ok'), undefined, { timeout: 30_000 });
    expect(await page.textContent('#isolation')).toContain('isolated');
  });

  test('loads stories260K (llama2.c .bin + tokenizer.bin) picked through the file input', async () => {
    await loadModelVia(() => page.setInputFiles('#pick-files', [join(STORIES, 'stories260K.bin'), join(STORIES, 'tok512.bin')]));
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
    // The same check as a command (scripts/platforms/logits-hash.mjs), as a user would run it on a board.
    const cli = await run(process.execPath, [join(REPO, 'scripts/platforms/logits-hash.mjs'), '--model', join(STORIES, 'stories260K.bin'),
      '--tokenizer', join(STORIES, 'tok512.bin'), '--prompt', PROMPT, '--steps', String(STEPS)], 60_000);
    expect(/sha256 ([0-9a-f]{64})/.exec(cli)?.[1]).toBe(inPage);
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

  test('the page keeps painting while the worker runs a longer extraction (25M-parameter random GGUF)', async () => {
    // A seeded random model big enough that the extraction takes on the order of a second or more here.
    const file = join(dir, 'random-25m-q8_0.gguf');
    const config = { ...TINY, dim: 512, hiddenDim: 1536, nLayers: 8, nHeads: 8, nKvHeads: 2, headDim: 64, contextLength: 1024 };
    const sink = new MemorySink();
    writeModelGguf(randomModel({ config, seed: 5 }), sink, 'q8_0', await Kernels.create());
    writeFileSync(file, sink.bytes());
    await loadModelVia(() => page.setInputFiles('#pick-files', [file]));
    expect(await page.textContent('#model-info')).toContain('GGUF → int8');

    await page.selectOption('#example', '0');
    await page.fill('#max-tokens', '300');
    await page.fill('#temperature', '0');
    await page.evaluate(() => {
      const w = window as unknown as { frameTimes: number[]; longTasks: number[] };
      w.frameTimes = [];
      w.longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push(e.duration); }).observe({ type: 'longtask' });
      const frame = (t: number) => { w.frameTimes.push(t); requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
    });
    const t0 = Date.now();
    await page.click('#extract');
    await waitState(['done', 'error'], 180_000);
    const wallMs = Date.now() - t0;
    const r = await page.evaluate(() => {
      const w = window as unknown as { frameTimes: number[]; longTasks: number[] };
      let maxGap = 0;
      for (let i = 1; i < w.frameTimes.length; i++) maxGap = Math.max(maxGap, w.frameTimes[i] - w.frameTimes[i - 1]);
      return { frames: w.frameTimes.length, maxGap, longTasks: w.longTasks };
    });
    const tps = await page.textContent('#stat-tps'), prefill = await page.textContent('#stat-prefill');
    console.log(`responsiveness: extraction ${wallMs} ms (decode ${tps} tok/s, prefill ${prefill} tok/s), ` +
      `${r.frames} frames painted, longest gap ${Math.round(r.maxGap)} ms, long tasks ${JSON.stringify(r.longTasks)}`);
    expect(wallMs, 'the extraction must be long enough for this check to mean something').toBeGreaterThan(600);
    expect(r.longTasks.filter((d) => d > 250), 'main-thread tasks over 250 ms').toEqual([]);
    expect(r.maxGap).toBeLessThan(500);
    expect(r.frames).toBeGreaterThan(wallMs / 100); // at least 10 frames per second throughout
  });

  test('Stop ends a running extraction early through the shared flag the worker polls', async () => {
    await page.fill('#max-tokens', '300');
    await page.click('#extract');
    await page.waitForFunction(() => (document.getElementById('output')!.textContent ?? '').length > 3, undefined, { timeout: 60_000 });
    await page.click('#stop');
    await waitState(['done', 'error'], 60_000);
    expect(await page.textContent('#validity')).toBe('stopped');
    const message = await page.textContent('#run-message') ?? '';
    const generated = Number(/(\d+) tokens in/.exec(message)?.[1]);
    console.log(`stop: ${message}`);
    expect(message).toMatch(/^Stopped\./);
    expect(generated).toBeLessThan(300);
    // The model stays loaded: the next request runs.
    expect(await page.isEnabled('#extract')).toBe(true);
  });

  test('loads a Hugging Face folder (sharded F16 safetensors + tokenizer.json) picked as a folder; same logits as Node', async () => {
    const folder = join(dir, 'hf-random');
    mkdirSync(folder);
    for (const f of hfFolderFiles(randomModel({ config: { ...TINY, contextLength: 1024 }, seed: 77 }), 'F16', 200_000)) {
      const sink = new MemorySink();
      f.write(sink);
      writeFileSync(join(folder, f.name), sink.bytes());
    }
    expect(await page.inputValue('#dtype')).toBe('q8');
    await loadModelVia(() => page.setInputFiles('#pick-folder', folder));
    const info = await page.textContent('#model-info');
    expect(info).toContain('Hugging Face folder');
    expect(info).toContain('2 layers · dim 64 · ffn 160');

    await page.fill('#fp-prompt', '{"name": "Ada"}');
    await page.fill('#fp-steps', '4');
    await page.click('#fp-run');
    await page.waitForFunction(() => !!document.getElementById('fp-result')!.dataset.sha256 || document.body.dataset.state === 'error',
      undefined, { timeout: 60_000 });
    const inPage = await page.evaluate(() => document.getElementById('fp-result')!.dataset.sha256);

    const source = readModelSource(folder);
    try {
      const model = await loadModel(source, { dtype: 'q8' });
      const { logits } = logitsTrace(model, model.tokenizer!.encode('{"name": "Ada"}'), 4);
      const inNode = await sha256Hex(logits);
      console.log(`web page HF folder logits sha256: page ${inPage} node ${inNode}`);
      expect(inPage).toBe(inNode);
    } finally {
      closeModelSource(source);
    }
  });

  test('a model dropped on the drop zone loads', async () => {
    await loadModelVia(async () => {
      await page.evaluate(async () => {
        const get = async (u: string, name: string) => new File([await (await fetch(u)).blob()], name);
        const dt = new DataTransfer();
        dt.items.add(await get('./models/default/stories260K.bin', 'stories260K.bin'));
        dt.items.add(await get('./models/default/tok512.bin', 'tok512.bin'));
        const zone = document.getElementById('drop')!;
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      });
    });
    expect(await page.textContent('#model-info')).toContain('stories260K.bin');
    expect(await page.textContent('#model-message')).toMatch(/^Loaded stories260K\.bin/);
  });

  test('offers the bundled default model and loads it with one click (f32)', async () => {
    expect(await page.isVisible('#use-default')).toBe(true);
    expect(await page.textContent('#use-default')).toMatch(/Use the bundled model \(1\.0 MiB\)/);
    await loadModelVia(async () => {
      await page.selectOption('#dtype', 'f32', { noWaitAfter: true }); // reloads the current model as f32
      await waitState(['ready', 'error'], 120_000);
      await page.evaluate(() => { document.body.dataset.state = 'test:waiting'; });
      await page.click('#use-default');
    });
    const info = await page.textContent('#model-info');
    expect(info).toContain('stories260K.bin');
    expect(info).toContain('llama2.c → f32');
    expect(pageErrors).toEqual([]);
  });
});
