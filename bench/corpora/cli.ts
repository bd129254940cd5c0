// Node script that writes the real-corpus splits as eval JSONL (see README.md):
//   npx esbuild bench/corpora/cli.ts --bundle --platform=node --format=esm --outfile=/tmp/corpora.mjs
//   node /tmp/corpora.mjs --split test --out /tmp/corpora            # test/<dataset>.jsonl
//   node /tmp/corpora.mjs --split train --out /tmp/corpora           # train/<dataset>.jsonl
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCorpora, CORPORA, toJsonl } from './corpora.js';
import type { Split } from './types.js';

const USAGE = `usage: corpora --split test|train|both --out DIR [--seed 1] [--cap N] [--only a,b] [--corpora DIR] [--exclude DIR]

  --split     which files to write: DIR/test/<dataset>.jsonl, DIR/train/<dataset>.jsonl, or both
  --cap N     at most N test examples per data set (a seeded sample), e.g. 100 for bench/corpora/test-sample
  --corpora   the corpora folder (default ../shared/corpora/extraction)
  --exclude   a folder of JSONL files whose "text" no training example may share (default bench/realtext, if present)`;

function jsonlTexts(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...jsonlTexts(p));
    else if (f.endsWith('.jsonl')) {
      for (const line of readFileSync(p, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const t = (JSON.parse(line) as { text?: unknown }).text;
          if (typeof t === 'string') out.push(t);
        } catch {
          throw new Error(`${p}: a line is not JSON`);
        }
      }
    }
  }
  return out;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      split: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, cap: { type: 'string' },
      only: { type: 'string' }, corpora: { type: 'string' }, exclude: { type: 'string' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) { console.log(USAGE); return 0; }
  const splits: Split[] = values.split === 'both' ? ['test', 'train'] : values.split === 'test' || values.split === 'train' ? [values.split] : [];
  if (!splits.length || !values.out) { console.error(USAGE); return 2; }
  const int = (v: string | undefined, name: string, fallback?: number) => {
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const root = resolve(values.corpora ?? '../shared/corpora/extraction');
  if (!existsSync(root)) throw new Error(`corpora folder not found: ${root} (pass --corpora DIR)`);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of only ?? []) if (!CORPORA[name]) throw new Error(`unknown data set '${name}' (known: ${Object.keys(CORPORA).join(', ')})`);
  const read = (rel: string) => {
    const p = join(root, rel);
    if (!existsSync(p)) throw new Error(`corpus file missing: ${p}`);
    return readFileSync(p, 'utf8');
  };
  const excludeTexts = jsonlTexts(resolve(values.exclude ?? 'bench/realtext'));
  const built = buildCorpora(read, { seed: int(values.seed, 'seed', 1)!, only, excludeTexts, testCap: int(values.cap, 'cap'), splits });
  for (const split of splits) {
    const dir = join(values.out, split);
    mkdirSync(dir, { recursive: true });
    let total = 0;
    for (const [name, sets] of Object.entries(built)) {
      writeFileSync(join(dir, `${name}.jsonl`), toJsonl(sets[split]));
      total += sets[split].length;
      console.error(`${split} ${name}: ${sets[split].length}`);
    }
    console.error(`wrote ${total} ${split} examples to ${dir} (${excludeTexts.length} excluded texts)`);
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`corpora: ${(e as Error).message}`);
  process.exitCode = 1;
}
