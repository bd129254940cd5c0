// Node script that writes the dataset as JSONL. Run through esbuild (see README.md):
//   node gen.mjs --seed 1 --out bench/edgejson/data
//   node gen.mjs --seed 1 --extra-train 5000 --extra-seed 2 --out /tmp/extra.jsonl
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Example } from './compose.js';
import { DEFAULT_TOTAL, generateDataset, generateExtraTrain } from './dataset.js';

function toJsonl(examples: Example[]): string {
  return examples.map((e) => JSON.stringify({ id: e.id, tier: e.tier, family: e.family, schema: e.schema, text: e.text, gold: e.gold })).join('\n') + '\n';
}

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

function main(): number {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' }, total: { type: 'string' }, out: { type: 'string' },
      'extra-train': { type: 'string' }, 'extra-seed': { type: 'string' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: gen [--seed 1] [--total 787] --out DIR            writes DIR/train.jsonl and DIR/test.jsonl\n' +
      '       gen [--seed 1] --extra-train N --extra-seed S --out FILE.jsonl   N more training examples, disjoint from the base set');
    return 0;
  }
  const seed = intOption(values.seed, 'seed', 1);
  const total = intOption(values.total, 'total', DEFAULT_TOTAL);
  if (!values.out) throw new Error('--out is required');
  const base = generateDataset(seed, total);
  if (values['extra-train'] !== undefined) {
    const count = intOption(values['extra-train'], 'extra-train', 0);
    const extraSeed = intOption(values['extra-seed'], 'extra-seed', seed + 1000);
    if (extraSeed === seed) throw new Error('--extra-seed must differ from --seed');
    const extra = generateExtraTrain(extraSeed, count, base);
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, toJsonl(extra));
    console.error(`wrote ${extra.length} extra training examples (seed ${extraSeed}, disjoint from base seed ${seed}) to ${values.out}`);
    return 0;
  }
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'train.jsonl'), toJsonl(base.train));
  writeFileSync(join(values.out, 'test.jsonl'), toJsonl(base.test));
  console.error(`wrote ${base.train.length} train + ${base.test.length} test examples (seed ${seed}) to ${values.out}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`edgejson: ${(e as Error).message}`);
  process.exitCode = 2;
}
