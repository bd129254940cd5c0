// Node script that writes open-domain examples as eval JSONL (see README.md):
//   npx esbuild bench/opendomain/cli.ts --bundle --platform=node --format=esm --outfile=/tmp/od.mjs
//   node /tmp/od.mjs --seed 11 --count 30000 --out /tmp/open.jsonl
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { generateOpenDomain, toJsonl } from './dataset.js';

function intOption(value: string | undefined, name: string): number {
  if (value === undefined) throw new Error(`--${name} is required`);
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

function main(): number {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, count: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log('usage: opendomain --seed S --count N --out FILE.jsonl');
    return 0;
  }
  const seed = intOption(values.seed, 'seed');
  const count = intOption(values.count, 'count');
  if (!values.out) throw new Error('--out is required');
  const ex = generateOpenDomain(seed, count);
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, toJsonl(ex));
  console.error(`opendomain: wrote ${ex.length} examples (seed ${seed}) to ${values.out}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`opendomain: ${(e as Error).message}`);
  process.exitCode = 2;
}
