#!/usr/bin/env node
// SHA-256 of a model's logits over a prompt and a few greedy steps: the web page's "Determinism check",
// from Node on any CPU (x86-64, arm64 boards). Same model, dtype, prompt and steps: same hash everywhere.
// usage: node scripts/platforms/logits-hash.mjs --model FILE [--tokenizer FILE] [--prompt STR] [--steps N] [--dtype q8|f32]
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: v } = parseArgs({
  options: {
    model: { type: 'string' }, tokenizer: { type: 'string' }, prompt: { type: 'string', default: 'Once upon a time' },
    steps: { type: 'string', default: '4' }, dtype: { type: 'string', default: 'q8' }, help: { type: 'boolean', short: 'h' },
  },
});
if (v.help || !v.model || !['q8', 'f32'].includes(v.dtype)) {
  console.error('usage: node scripts/platforms/logits-hash.mjs --model FILE [--tokenizer FILE] [--prompt STR] [--steps N] [--dtype q8|f32]');
  process.exit(v.help ? 0 : 2);
}
// Bundled into node_modules/.cache so the bundle's package imports resolve against the repository's.
const cache = join(root, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'jsonlm-hash-'));
try {
  const out = join(dir, 'logits-hash.mjs');
  await build({ entryPoints: [join(root, 'tests/platforms/logits-hash-entry.ts')], outfile: out, bundle: true, format: 'esm', platform: 'node',
    packages: 'external', target: 'es2022', logLevel: 'warning', absWorkingDir: root });
  const { logitsHash } = await import(pathToFileURL(out).href);
  const r = await logitsHash({ model: v.model, tokenizer: v.tokenizer, prompt: v.prompt, steps: Number(v.steps), dtype: v.dtype });
  console.log(`sha256 ${r.sha256}  ·  ${r.positions} positions × ${r.vocab} logits · tokens ${r.tokens.join(',')} · ${Math.round(r.ms)} ms · ${process.arch}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
