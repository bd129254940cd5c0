// Writes the real-corpus splits (bench/corpora): bundles bench/corpora/cli.ts with esbuild into a temporary
// file and runs it with this script's arguments, e.g.
//   node scripts/make-corpora.mjs --split test --out /tmp/corpora
//   node scripts/make-corpora.mjs --split test --cap 100 --out /tmp/sample   # = bench/corpora/test-sample
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'jsonlm-corpora-'));
const outfile = join(dir, 'corpora.mjs');
try {
  await build({ entryPoints: [join(root, 'bench/corpora/cli.ts')], bundle: true, platform: 'node', format: 'esm', target: 'es2022', outfile, logLevel: 'warning' });
  await import(pathToFileURL(outfile).href); // sets process.exitCode
} finally {
  rmSync(dir, { recursive: true, force: true });
}
