// loadDefaultModel as browsers use it (a URL the page serves, or bytes), and its errors. This file imports
// the browser-safe core only, so no packaged-files loader is registered: as in a browser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefaultModelError, loadDefaultModel } from '../../engine/default-model.js';
import { extract } from '../../extract/api.js';
import { REPO } from '../paths.js';

const DIR = join(REPO, 'models/default');
const SCHEMA = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
const TEXT = 'Ann Berg is 31 years old.';

/** A fetch that serves models/default under https://host/m/ and records what was asked. */
function fakeServer(status: (file: string) => number = () => 200) {
  const asked: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    asked.push(url.pathname);
    const file = url.pathname.replace(/^\/m\//, '');
    const code = status(file);
    if (code !== 200) return new Response('no', { status: code });
    try {
      return new Response(readFileSync(join(DIR, file)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
  return { fetchFn, asked };
}

describe('loadDefaultModel (browser-safe core)', () => {
  it('without a source and outside Node-with-package, says to pass a URL or files', async () => {
    await expect(loadDefaultModel()).rejects.toThrow(DefaultModelError);
    await expect(loadDefaultModel()).rejects.toThrow(/\{ url \}/);
  });

  it('extract() with no model and none loaded names the fix', async () => {
    await expect(extract({ text: TEXT, schema: SCHEMA })).rejects.toThrow(/no default model loaded/);
  });

  it('loads from a URL and from bytes to the same model, which extract() then uses by default', async () => {
    const { fetchFn, asked } = fakeServer();
    const fromUrl = await loadDefaultModel({ url: 'https://host/m', fetch: fetchFn });
    expect(asked.sort()).toEqual(['/m/config.json', '/m/generation_config.json', '/m/model.safetensors', '/m/tokenizer.json', '/m/tokenizer_config.json']);
    const a = await extract({ text: TEXT, schema: SCHEMA, model: fromUrl });
    const implicit = await extract({ text: TEXT, schema: SCHEMA });
    const files = Object.fromEntries(['config.json', 'model.safetensors', 'tokenizer.json', 'generation_config.json', 'tokenizer_config.json']
      .map((f) => [f, readFileSync(join(DIR, f))]));
    const fromBytes = await loadDefaultModel({ files });
    const b = await extract({ text: TEXT, schema: SCHEMA, model: fromBytes });
    expect(a.valid).toBe(true);
    expect(b.value).toEqual(a.value);
    expect(implicit.value).toEqual(a.value);
    // The recommended decoding travels with generation_config.json.
    expect(fromUrl.extractionHints).toEqual({ copyBias: 4, valueChoice: true, grounded: true });
    expect(fromBytes.extractionHints).toEqual({ copyBias: 4, valueChoice: true, grounded: true });
  });

  it('treats the optional files as optional and the required ones as required', async () => {
    const optionalMissing = fakeServer((f) => (f === 'generation_config.json' || f === 'tokenizer_config.json' ? 404 : 200));
    await expect(loadDefaultModel({ url: 'https://host/m/', fetch: optionalMissing.fetchFn })).resolves.toBeDefined();
    const weightsMissing = fakeServer((f) => (f === 'model.safetensors' ? 404 : 200));
    await expect(loadDefaultModel({ url: 'https://host/m/', fetch: weightsMissing.fetchFn }))
      .rejects.toThrow(/model\.safetensors from https:\/\/host\/m\/model\.safetensors: HTTP 404/);
    const serverError = fakeServer((f) => (f === 'generation_config.json' ? 500 : 200));
    await expect(loadDefaultModel({ url: 'https://host/m/', fetch: serverError.fetchFn })).rejects.toThrow(/generation_config\.json.*HTTP 500/);
  });

  it('names a network failure, missing files, and a URL it cannot resolve', async () => {
    const down = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
    await expect(loadDefaultModel({ url: 'https://host/m/', fetch: down })).rejects.toThrow(/could not fetch the default model's config\.json.*fetch failed/);
    await expect(loadDefaultModel({ files: { 'config.json': new Uint8Array() } })).rejects.toThrow('default model files missing: model.safetensors, tokenizer.json');
    await expect(loadDefaultModel({ url: 'models/default' })).rejects.toThrow(/not a URL/);
  });
});
